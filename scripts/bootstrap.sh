#!/usr/bin/env bash
# Creates (or reuses) the project's virtual environment and installs requirements.txt into it.
# The venv lives outside the checkout, keyed by the hash of requirements.txt, so every clone on
# this machine shares one ~5.6 GB environment instead of reinstalling PyTorch.
# Prints the venv's path on its last line of stdout.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      py="$candidate"; break
    fi
  done
fi
[ -n "$py" ] || { echo "Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

req_hash=$("$py" -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest()[:12])' "$root/requirements.txt")
venv="${VETTED_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/vetted/venv-py311-$req_hash}"
stamp="$venv/.vetted-installed"
if [ ! -f "$stamp" ]; then
  echo ">> creating virtual environment $venv (first run installs PyTorch: about 2-3 minutes)" >&2
  mkdir -p "$(dirname "$venv")"
  rm -rf "$venv"
  "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip 2>/dev/null >&2 || true
  # pip warns once per package about this machine's local index mirror; those lines are noise.
  # (grep exits 1 when it filters every line, so its status is not the pipeline's)
  if ! "$venv/bin/python" -m pip install --quiet -r "$root/requirements.txt" 2> >(grep -v "is ignored: it is neither" >&2); then
    echo "pip install -r requirements.txt failed" >&2
    exit 1
  fi
  touch "$stamp"
else
  echo ">> reusing virtual environment $venv" >&2
fi
echo "$venv"
