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
if [ -n "$browser" ] && have chromedriver && have pdftotext && [ -d /usr/share/poppler/cMap ]; then
  echo ">> browser tests: $browser, chromedriver and pdftotext present" >&2
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
echo ">> browser tests: installing Debian chromium + chromium-driver (apt-get; about a minute)" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq >&2 || true
# fonts-noto-cjk / -color-emoji: Chinese text and emoji render in screenshots instead of boxes;
# poppler-utils + poppler-data (CJK CMaps): pdftotext reads the downloaded PDF export back.
packages="chromium chromium-driver fonts-noto-cjk fonts-noto-color-emoji poppler-utils poppler-data"
if ! $sudo_cmd apt-get install -y -qq --no-install-recommends $packages >&2; then
  echo ">> browser tests: apt-get could not install chromium + chromium-driver" >&2
  exit 1
fi
have chromedriver && (have chromium || have chromium-browser)
