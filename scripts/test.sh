#!/usr/bin/env bash
# Runs the static checks (ruff, mypy) and the whole test suite. Installs what it needs itself (a
# reused virtual environment).
# On the defaults (SQLite, eager Celery) always; again on PostgreSQL, with the real-worker
# Celery tests, when DATABASE_URL and CELERY_BROKER_URL are set (as .ci/run sets them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$(bash scripts/bootstrap.sh | tail -n 1)"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export DJANGO_SETTINGS_MODULE=config.settings.test
export PATH="$venv/bin:$PATH"
py="$venv/bin/python"

# The browser tests drive Debian's chromium; if it cannot be installed they skip, saying why.
bash scripts/install_browser.sh || echo ">> chromium could not be installed: the browser tests will be skipped" >&2

status=0
# Static checks first (settings in pyproject.toml). A failed check fails the run, but the tests
# still run, so one run shows everything; the last line names the checks that failed.
failed_checks=()
check() {
  local name="$1"
  shift
  echo ">> check: $name"
  if "$@"; then
    echo ">> check passed: $name"
  else
    echo ">> check FAILED: $name" >&2
    failed_checks+=("$name")
  fi
}
check "ruff check" "$venv/bin/ruff" check --output-format concise .
check "ruff format" "$venv/bin/ruff" format --check .
# mypy's Django plugin loads the settings; it connects to nothing, so it needs no services.
check "mypy" env -u DATABASE_URL -u CELERY_BROKER_URL "$venv/bin/mypy"

# The two runs share nothing (each test process has its own temporary folders, SQLite file or
# PostgreSQL test database, and only the second uses Redis), so with PostgreSQL they run side by
# side: on a 2-core CI machine that takes the suite from the sum of the two runs to about the
# longer one. The SQLite run's output is kept in a file and shown when both are done.
sqlite_run() { env -u DATABASE_URL -u CELERY_BROKER_URL "$py" -m pytest "$@"; }
if [ -n "${DATABASE_URL:-}" ]; then
  sqlite_log="$(mktemp -t vetted-test-sqlite-XXXXXX.log)"
  echo ">> test run 1/2: embedded defaults (SQLite, eager Celery), in the background (output below when done)"
  sqlite_run "$@" >"$sqlite_log" 2>&1 &
  sqlite_pid=$!
  trap 'kill "$sqlite_pid" 2>/dev/null' INT TERM  # an interrupted run leaves no tests behind
  echo ">> test run 2/2: PostgreSQL ($DATABASE_URL) and broker ${CELERY_BROKER_URL:-<none: eager>}"
  "$py" -m pytest -m "not sqlite_only" "$@" || status=$?
  sqlite_status=0
  wait "$sqlite_pid" || sqlite_status=$?
  echo ">> test run 1/2 (SQLite, eager Celery) output:"
  cat "$sqlite_log"
  rm -f "$sqlite_log"
  [ "$sqlite_status" -eq 0 ] || status=$sqlite_status
else
  echo ">> test run 1/2: embedded defaults (SQLite, eager Celery)"
  sqlite_run "$@" || status=$?
  echo ">> test run 2/2 skipped: DATABASE_URL is not set (PostgreSQL and real-worker tests need it)"
fi
if [ "${#failed_checks[@]}" -gt 0 ]; then
  echo ">> static checks FAILED: ${failed_checks[*]} (see '>> check FAILED' above)" >&2
  status=1
fi
exit $status
