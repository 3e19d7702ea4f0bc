#!/usr/bin/env bash
# Installs everything Sesame needs on a fresh Debian machine: Chromium (dev browser and e2e tests),
# Firefox ESR (the Firefox e2e project, driven by puppeteer-core over WebDriver BiDi), a CJK font,
# torch + onnx for the fixture-model generator (plus its venv with onnxruntime's quantizer), and
# the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 || need_apt+=(python3-torch python3-onnx python3-numpy)
/usr/bin/python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || need_apt+=(python3-venv)
# A CJK font, so Chinese text renders in the browser (e2e screenshots of the Chinese UI).
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need_apt+=(fonts-wqy-zenhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

# The fixture generator's venv: Debian's torch 1.13 (system site packages) beside onnx >= 1.17 and
# onnxruntime's own quantizer (onnxruntime.quantization, as transformers.js quantizes the hub's
# files), from the machine's local wheel index when there is one (pip would otherwise wait on the
# public index it cannot reach). numpy stays Debian's (<2: torch 1.13 is built against numpy 1.x).
# Made only when missing or incomplete.
VENV=.venv-fixtures
venv_ok() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import torch, onnx, numpy, onnxruntime.quantization.matmul_nbits_quantizer' >/dev/null 2>&1; }
# pip's index: the machine's local wheel index when there is one (only it: pip would otherwise wait
# on the public index it cannot reach), the public one (and PyTorch's CPU wheels) elsewhere.
pip_index=()
if [ -d /opt/pypi/simple ]; then
  pip_index=(--index-url file:///opt/pypi/simple)
  [ -d /opt/pypi-more/simple ] && pip_index+=(--extra-index-url file:///opt/pypi-more/simple)
  [ -d /opt/wheels ] && pip_index+=(--find-links /opt/wheels)
else
  pip_index=(--extra-index-url https://download.pytorch.org/whl/cpu)
fi
if ! venv_ok; then
  [ -x "$VENV/bin/python" ] || /usr/bin/python3 -m venv --system-site-packages "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "${pip_index[@]}" \
    'onnx>=1.17' ml_dtypes onnxruntime onnx-ir 'numpy<2'
  venv_ok || { echo "setup: $VENV cannot import torch/onnx/onnxruntime.quantization" >&2; exit 1; }
fi

# onnxruntime-node's postinstall downloads extra binaries from a host outside the npm registry;
# its CPU binaries already ship in the package, so skip only that download.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# The tiny Qwen2 fixture's generator (tests/fixtures/make_qwen_fixture.py) builds transformers' own
# Qwen2ForCausalLM and exports it with torch's dynamo exporter: a venv with torch (CPU), transformers
# 5, onnx, onnxscript, onnxruntime and tokenizers. Made once; a machine with the local wheel index
# (/opt/pypi) installs from it only, so pip does not wait on the unreachable public index.
QWEN_VENV=.venv-qwen
if ! "$QWEN_VENV/bin/python" -c 'import torch, transformers, onnx, onnxscript, onnxruntime, tokenizers' >/dev/null 2>&1; then
  rm -rf "$QWEN_VENV"
  /usr/bin/python3 -m venv "$QWEN_VENV"
  "$QWEN_VENV/bin/pip" install -q --disable-pip-version-check "${pip_index[@]}" 'torch==2.13.0+cpu' 'transformers==5.18.0' onnx onnxscript onnxruntime tokenizers
fi
