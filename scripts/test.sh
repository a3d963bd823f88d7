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

self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
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

# Everything below runs under scripts/embedded.py (which starts PostgreSQL and Redis when DATABASE_URL or
# REDIS_URL is unset): the script runs itself again inside it, once.
if [ -z "${SGH_TEST_SH_INSIDE:-}" ]; then
  exec "$VENV_PY" scripts/embedded.py exec -- env SGH_TEST_SH_INSIDE=1 "$self" "$@"
fi

# Honour shell quoting in PYTEST_ARGS (it comes from the person running the tests).
eval "pytest_args=(${PYTEST_ARGS:-})"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The working-day arithmetic must keep 100 % branch coverage (issue 3): a quick gate of its own (no
# database), run beside the suite while the suite starts its workers and builds its databases, and
# reported before the suite's output (which waits for it in a pipe), so that the suite's summary stays the
# last line of the output.
gate=""  # the gate's process id
if [ -z "${PYTEST_ARGS:-}" ] || [ "${PYTEST_ARGS:-}" = "--create-db " ] || [ "${PYTEST_ARGS:-}" = "--create-db" ]; then
  if [ -f tests/clock/test_workdays.py ]; then
    ( gate_rc=0
      "$VENV_PY" -m pytest -q -p no:cacheprovider tests/clock/test_workdays.py --cov=safeguarding.clock.workdays \
        --cov-branch --cov-report=term-missing:skip-covered --cov-fail-under=100 >"$work/gate.log" 2>&1 || gate_rc=$?
      echo "$gate_rc" >"$work/gate.rc" ) &
    gate=$!
  fi
fi

report_gate() {
  [ -n "$gate" ] || return 0
  while [ ! -s "$work/gate.rc" ] && kill -0 "$gate" 2>/dev/null; do sleep 0.2; done
  [ -s "$work/gate.rc" ] || echo 1 >"$work/gate.rc"  # it ended without saying how: a failure
  echo "== branch coverage of safeguarding/clock/workdays.py (must be 100 %)"
  cat "$work/gate.log"
}

run_args=(--durations=20)
if [ "$PYTEST_WORKERS" != "0" ]; then
  run_args+=(-n "$PYTEST_WORKERS" --dist loadgroup)
fi
if [ -n "$PYTEST_MARKERS" ]; then
  run_args+=(-m "$PYTEST_MARKERS")
fi
if [ -t 1 ]; then
  run_args+=(--color=yes)  # its output goes through a pipe (below)
fi

set +e
{ "$VENV_PY" -m pytest "${run_args[@]}" "${pytest_args[@]}" 2>&1; echo $? >"$work/suite.rc"; } \
  | { report_gate; cat; }
rc=$(cat "$work/suite.rc")
set -e

if [ -n "$gate" ] && [ "$(cat "$work/gate.rc" 2>/dev/null || echo 1)" != "0" ]; then
  echo "ERROR: safeguarding/clock/workdays.py is below 100 % branch coverage" >&2
  exit 1
fi
case "$rc" in
  0) ;;
  5) echo "ERROR: pytest collected no tests (exit status 5): that is a failure, not a pass" >&2 ;;
  *) echo "pytest failed (exit status $rc)" >&2 ;;
esac
exit "$rc"
