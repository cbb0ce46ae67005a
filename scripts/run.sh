#!/usr/bin/env bash
# Sets up everything and runs Vetted on its embedded defaults: SQLite, Celery eager, bundled
# synthetic demo data. Serves http://127.0.0.1:8000/.
# Aesthetic search uses CLIP when its weights can be had: if they are not cached and the model
# hub answers within a few seconds, they are fetched once (progress shown); otherwise one line
# says the weight-free style descriptor is used and how to enable CLIP. After that check the run
# is offline (HF_HUB_OFFLINE=1). VETTED_OFFLINE=1 skips the hub check.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$(bash scripts/bootstrap.sh | tail -n 1)"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.base}"
# The product's own error pages, never Django's technical ones with the URL list (DEBUG=1 asks for
# those): with DEBUG off WhiteNoise serves the collected static files, SERVE_MEDIA the catalogue images.
export DEBUG="${DEBUG:-0}"
export SERVE_MEDIA="${SERVE_MEDIA:-1}"
py="$venv/bin/python"
if [ "${VETTED_OFFLINE:-0}" = "1" ]; then
  export HF_HUB_OFFLINE=1
fi
"$py" manage.py vision_prepare_weights || true
export HF_HUB_OFFLINE=1
"$py" manage.py migrate --noinput
"$py" manage.py seed_demo --if-empty
"$py" manage.py build_index --if-stale || echo ">> image index not built; aesthetic search will build it on first use" >&2
"$py" manage.py collectstatic --noinput >/dev/null
"$py" manage.py demo_login
echo ">> Vetted is running at http://127.0.0.1:8000/  (API: /api/v1/, health: /api/health/; demo data is synthetic)"
exec "$py" manage.py runserver 127.0.0.1:8000 --noreload
