#!/usr/bin/env bash
# Installs everything Sesame needs on a fresh Debian machine: Chromium (dev browser and e2e tests),
# Firefox ESR (the Firefox e2e project, driven by puppeteer-core over WebDriver BiDi)
# with a CJK font, torch + onnx for the fixture-model generator, and the npm packages.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || need_apt+=(firefox-esr)
/usr/bin/python3 -c 'import torch, onnx' >/dev/null 2>&1 || need_apt+=(python3-torch python3-onnx python3-numpy)
# A CJK font, so Chinese text renders in the browser (e2e screenshots of the Chinese UI).
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need_apt+=(fonts-wqy-zenhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${need_apt[@]}"
fi

# onnxruntime-node's postinstall downloads extra binaries from a host outside the npm registry;
# its CPU binaries already ship in the package, so skip only that download.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
