#!/usr/bin/env bash
# Installs Debian's headless Chromium and its matching chromedriver for the browser tests
# (tests marked `browser`). Never downloads a browser build of its own: only Debian packages.
# Idempotent and quiet when both are already there. Exits non-zero when they cannot be had;
# scripts/test.sh tolerates that, and the browser tests then skip with the reason.
set -uo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
browser=""
for candidate in chromium chromium-browser; do
  if have "$candidate"; then browser="$candidate"; break; fi
done
if [ -n "$browser" ] && have chromedriver; then
  echo ">> browser tests: $browser and chromedriver present" >&2
  exit 0
fi

if ! have apt-get; then
  echo ">> browser tests: no apt-get here, cannot install chromium + chromium-driver" >&2
  exit 1
fi
sudo_cmd=""
if [ "$(id -u)" != "0" ]; then
  if have sudo && sudo -n true 2>/dev/null; then sudo_cmd="sudo -n"; else
    echo ">> browser tests: not root and no password-less sudo, cannot install chromium" >&2
    exit 1
  fi
fi
echo ">> browser tests: installing Debian chromium + chromium-driver (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq >&2 || true
# fonts-noto-cjk: Chinese text renders in screenshots instead of boxes.
if ! $sudo_cmd apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk >&2; then
  echo ">> browser tests: apt-get could not install chromium + chromium-driver" >&2
  exit 1
fi
have chromedriver && (have chromium || have chromium-browser)
