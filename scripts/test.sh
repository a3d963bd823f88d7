#!/usr/bin/env bash
# Runs pytest the way `make test` (and CI) does; `make test` first makes sure the venv, the Debian
# packages (WeasyPrint, Chromium) and node_modules/axe-core are in place.
#
#   DATABASE_URL / REDIS_URL  used when set; otherwise embedded servers under var/ (scripts/embedded.py)
#   PYTEST_ARGS               extra pytest options, shell-quoted: PYTEST_ARGS='-k "plan and not pdf" -x'
#   PYTEST_WORKERS            pytest-xdist workers (default: auto, one per CPU; 0 runs in one process)
#   PYTEST_MARKERS            a marker expression; `make test-fast` sets 'not e2e and not slow' (no browser)
#   CHROMIUM_PATH             default /usr/bin/chromium
#
# The suite runs in parallel (pytest-xdist): each worker has a test database of its own (pytest-django
# adds _gw0, _gw1 ... to the name) and a Redis database of its own (tests/conftest.py: REDIS_URL's
# database, then counting down). `--dist loadgroup` keeps tests marked xdist_group(name) on one worker
# (a world shared by a module's tests is then built once). The 20 slowest tests are listed at the end.
set -euo pipefail

cd "$(dirname "$0")/.."

export DJANGO_ENV=test
# with the embedded Redis: database 15 (as in CI), apart from a running `make run` (database 0)
export EMBEDDED_REDIS_DB=${EMBEDDED_REDIS_DB:-15}
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
VENV_PY=${VENV_PY:-.venv/bin/python}
PYTEST_WORKERS=${PYTEST_WORKERS:-auto}
PYTEST_MARKERS=${PYTEST_MARKERS:-}

# Without browser tests (make test-fast) Chromium and axe-core are not needed.
if [[ "$PYTEST_MARKERS" != *"not e2e"* ]]; then
  if [ ! -x "$CHROMIUM_PATH" ]; then
    echo "ERROR: Chromium not found at $CHROMIUM_PATH: the browser tests cannot run (run 'make test', or set CHROMIUM_PATH)" >&2
    exit 1
  fi
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    echo "ERROR: node_modules/axe-core/axe.min.js is missing: run 'make test' (it runs npm ci) or 'npm ci'" >&2
    exit 1
  fi
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

run_args=(--durations=20)
if [ "$PYTEST_WORKERS" != "0" ]; then
  run_args+=(-n "$PYTEST_WORKERS" --dist loadgroup)
fi
if [ -n "$PYTEST_MARKERS" ]; then
  run_args+=(-m "$PYTEST_MARKERS")
fi

set +e
"$VENV_PY" scripts/embedded.py exec -- "$VENV_PY" -m pytest "${run_args[@]}" "${pytest_args[@]}"
rc=$?
set -e

case "$rc" in
  0) ;;
  5) echo "ERROR: pytest collected no tests (exit status 5): that is a failure, not a pass" >&2 ;;
  *) echo "pytest failed (exit status $rc)" >&2 ;;
esac
exit "$rc"
