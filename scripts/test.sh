#!/usr/bin/env bash
# Runs pytest the way `make test` (and CI) does; `make test` first makes sure the venv, the Debian
# packages (WeasyPrint, Chromium) and node_modules/axe-core are in place.
#
#   DATABASE_URL / REDIS_URL  used when set; otherwise embedded servers under var/ (scripts/embedded.py)
#   PYTEST_ARGS               extra pytest options, shell-quoted: PYTEST_ARGS='-k "plan and not pdf" -x'
#   CHROMIUM_PATH             default /usr/bin/chromium
set -euo pipefail

cd "$(dirname "$0")/.."

export DJANGO_ENV=test
# with the embedded Redis: database 15 (as in CI), apart from a running `make run` (database 0)
export EMBEDDED_REDIS_DB=${EMBEDDED_REDIS_DB:-15}
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
VENV_PY=${VENV_PY:-.venv/bin/python}

if [ ! -x "$CHROMIUM_PATH" ]; then
  echo "ERROR: Chromium not found at $CHROMIUM_PATH: the browser tests cannot run (run 'make test', or set CHROMIUM_PATH)" >&2
  exit 1
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "ERROR: node_modules/axe-core/axe.min.js is missing: run 'make test' (it runs npm ci) or 'npm ci'" >&2
  exit 1
fi

# Honour shell quoting in PYTEST_ARGS (it comes from the person running the tests).
eval "pytest_args=(${PYTEST_ARGS:-})"

# The working-day arithmetic must keep 100 % branch coverage (issue 3). A quick gate of its own,
# run first so that the whole suite's summary stays the last line of the output.
if [ -z "${PYTEST_ARGS:-}" ] || [ "${PYTEST_ARGS:-}" = "--create-db " ] || [ "${PYTEST_ARGS:-}" = "--create-db" ]; then
  if [ -f tests/clock/test_workdays.py ]; then
    echo "== branch coverage of safeguarding/clock/workdays.py (must be 100 %)"
    "$VENV_PY" scripts/embedded.py exec -- "$VENV_PY" -m pytest -q "${pytest_args[@]}" \
      tests/clock/test_workdays.py --cov=safeguarding.clock.workdays --cov-branch \
      --cov-report=term-missing:skip-covered --cov-fail-under=100 \
      || { echo "ERROR: safeguarding/clock/workdays.py is below 100 % branch coverage" >&2; exit 1; }
  fi
fi

set +e
"$VENV_PY" scripts/embedded.py exec -- "$VENV_PY" -m pytest "${pytest_args[@]}"
rc=$?
set -e

case "$rc" in
  0) ;;
  5) echo "ERROR: pytest collected no tests (exit status 5): that is a failure, not a pass" >&2 ;;
  *) echo "pytest failed (exit status $rc)" >&2 ;;
esac
exit "$rc"
