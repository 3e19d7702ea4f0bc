#!/usr/bin/env python3
"""Draws Sesame's icon (a cream sesame seed on a warm rounded square) as public/icon/{16,32,48,128}.png.

Plain numpy + zlib (no imaging library on the build machines); 4x4 supersampling for smooth edges.
The PNGs are committed; run again only to change the design.
"""
import struct
import zlib
from pathlib import Path

import numpy as np

BG = np.array([0xB4, 0x5F, 0x1E], dtype=float)      # toasted brown
SEED = np.array([0xFB, 0xF1, 0xDC], dtype=float)    # cream
LINE = np.array([0xE2, 0xC9, 0x9B], dtype=float)    # the seed's ridge


def draw(size: int) -> np.ndarray:
    ss = 4
    n = size * ss
    y, x = (np.mgrid[0:n, 0:n] + 0.5) / n  # 0..1
    # Rounded square, corner radius 22% of the side, 4% margin.
    m, r = 0.04, 0.22
    cx = np.clip(x, m + r, 1 - m - r)
    cy = np.clip(y, m + r, 1 - m - r)
    inside_bg = (x - cx) ** 2 + (y - cy) ** 2 <= r * r
    inside_bg &= (x >= m) & (x <= 1 - m) & (y >= m) & (y <= 1 - m)
    # A seed: a teardrop (ellipse narrowed towards the top), tilted 30 degrees.
    a = np.deg2rad(30)
    u = (x - 0.5) * np.cos(a) + (y - 0.52) * np.sin(a)
    v = -(x - 0.5) * np.sin(a) + (y - 0.52) * np.cos(a)
    half_len = 0.33
    width = 0.19 * (0.55 + 0.45 * np.clip((v + half_len) / (2 * half_len), 0, 1))
    inside_seed = (v / half_len) ** 2 + (u / width) ** 2 <= 1
    ridge = inside_seed & (np.abs(u) <= 0.022) & (v > -0.2) & (v < 0.22) & (size >= 32)
    rgb = np.zeros((n, n, 3))
    alpha = np.zeros((n, n))
    rgb[inside_bg] = BG
    alpha[inside_bg] = 1
    rgb[inside_seed & inside_bg] = SEED
    rgb[ridge & inside_bg] = LINE
    # Average the supersamples (colour weighted by alpha).
    rgb = (rgb * alpha[..., None]).reshape(size, ss, size, ss, 3).mean(axis=(1, 3))
    alpha = alpha.reshape(size, ss, size, ss).mean(axis=(1, 3))
    out = np.zeros((size, size, 4), dtype=np.uint8)
    safe = np.where(alpha > 0, alpha, 1)[..., None]
    out[..., :3] = np.clip(np.round(rgb / safe), 0, 255)
    out[..., 3] = np.clip(np.round(alpha * 255), 0, 255)
    return out


def png(pixels: np.ndarray) -> bytes:
    h, w, _ = pixels.shape
    raw = b"".join(b"\x00" + pixels[row].tobytes() for row in range(h))
    chunk = lambda kind, data: struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = Path(__file__).resolve().parent.parent / "public" / "icon"
    out.mkdir(parents=True, exist_ok=True)
    for size in (16, 32, 48, 128):
        (out / f"{size}.png").write_bytes(png(draw(size)))
        print(out / f"{size}.png")
