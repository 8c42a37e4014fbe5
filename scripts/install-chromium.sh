#!/usr/bin/env bash
# Installs Debian's Chromium for Playwright: `npx playwright install` cannot download
# browsers on this network. Safe to run repeatedly; does nothing when already present.
set -euo pipefail

CHROMIUM_BIN="${PLAYWRIGHT_CHROMIUM_PATH:-/usr/bin/chromium}"

if [ ! -x "$CHROMIUM_BIN" ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update
  # fonts-dejavu-core gives headless Chromium a real font, so text renders in screenshots.
  $SUDO apt-get install -y chromium fonts-dejavu-core
fi

"$CHROMIUM_BIN" --version
