#!/usr/bin/env bash
# Headless Chromium and a CJK font for tests/html_browser.rs, from Debian's
# packages. Idempotent: quick when both are installed already.
set -euo pipefail
packages=(chromium fonts-noto-cjk)
if dpkg -s "${packages[@]}" >/dev/null 2>&1; then
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
command -v chromium >/dev/null
