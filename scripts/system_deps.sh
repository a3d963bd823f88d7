#!/usr/bin/env bash
# System packages the Python code needs but pip cannot install.
#
#   scripts/system_deps.sh [--strict] weasyprint [libmagic] [chromium] [clamav] [postgresql]
#
#   weasyprint  Pango/HarfBuzz/fonts for PDF rendering (Debian 12 package names below)
#   libmagic    libmagic, which python-magic uses to find an upload's type from its bytes (safeguarding.uploads)
#   clamav      Debian's clamav-daemon: the tests start a private clamd with a test signature database
#               (tests/uploads/clamd_server.py; never freshclam, no network)
#   chromium    Debian's Chromium for the Playwright browser tests (at $CHROMIUM_PATH, default /usr/bin/chromium)
#   postgresql  Debian's PostgreSQL build, for the embedded server when the pgserver wheel lacks an
#               extension the migrations need (scripts/embedded.py system-packages says when)
#
# Missing Debian packages are installed when we are root (or have password-less sudo) and apt-get is
# available; otherwise the exact command to run is printed. With --strict anything still missing is
# an error (make test: browser and PDF tests are never skipped silently); without it, a warning
# (make run: the app starts, PDFs fail until the packages are installed).
set -euo pipefail

cd "$(dirname "$0")/.."

STRICT=0
COMPONENTS=()
for arg in "$@"; do
  case "$arg" in
    --strict) STRICT=1 ;;
    weasyprint | libmagic | chromium | clamav | postgresql) COMPONENTS+=("$arg") ;;
    *) echo "usage: $0 [--strict] weasyprint|libmagic|chromium|clamav|postgresql ..." >&2; exit 2 ;;
  esac
done
[ ${#COMPONENTS[@]} -gt 0 ] || { echo "usage: $0 [--strict] weasyprint|libmagic|chromium|clamav|postgresql ..." >&2; exit 2; }

CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
VENV_PY=${VENV_PY:-.venv/bin/python}

# WeasyPrint >= 62 on Debian 12 (https://doc.courtbouillon.org/weasyprint/stable/first_steps.html),
# plus fonts for the PDFs: DejaVu and Liberation (metric-compatible with Arial/Helvetica).
WEASYPRINT_PKGS=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation)
CHROMIUM_PKGS=(chromium)
LIBMAGIC_PKGS=(libmagic1)
# clamd only: its package also brings clamav-freshclam, which the tests never run (their database is their own)
CLAMAV_PKGS=(clamav-daemon)
# Debian's server packages include the contrib extensions (pg_trgm, btree_gist, ...). Installing them
# also creates (and, where an init system runs, starts) the distribution's own "main" cluster.
POSTGRESQL_PKGS=(postgresql)

say() { printf '[system-deps] %s\n' "$*" >&2; }

problem() {
  if [ "$STRICT" = 1 ]; then
    say "ERROR: $*"
  else
    say "WARNING: $*"
  fi
  FAILED=1
}

wanted=()
for c in "${COMPONENTS[@]}"; do
  case "$c" in
    weasyprint) wanted+=("${WEASYPRINT_PKGS[@]}") ;;
    chromium) wanted+=("${CHROMIUM_PKGS[@]}") ;;
    libmagic) wanted+=("${LIBMAGIC_PKGS[@]}") ;;
    clamav) wanted+=("${CLAMAV_PKGS[@]}") ;;
    postgresql) wanted+=("${POSTGRESQL_PKGS[@]}") ;;
  esac
done

FAILED=0
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=()
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      SUDO=(sudo -n)
    fi
    if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" -eq 0 ] || [ ${#SUDO[@]} -gt 0 ]; }; then
      say "installing Debian packages: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Use-Pty=0)
      "${SUDO[@]}" apt-get "${apt_opts[@]}" update -qq ||
        say "apt-get update failed; trying the install with the package lists we have"
      if ! "${SUDO[@]}" apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${missing[@]}"; then
        problem "apt-get install failed for: ${missing[*]}"
      fi
    else
      problem "missing Debian packages: ${missing[*]}
    install them with:
      sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    fi
  fi
else
  say "not a Debian system: cannot check packages; checking that things work instead"
  for c in "${COMPONENTS[@]}"; do
    case "$c" in
      weasyprint) say "WeasyPrint needs Pango >= 1.44 (macOS: brew install pango; Fedora: dnf install pango)" ;;
      chromium) say "browser tests need Chromium at CHROMIUM_PATH=$CHROMIUM_PATH (set CHROMIUM_PATH to your chromium binary)" ;;
      libmagic) say "uploads need libmagic (macOS: brew install libmagic; Fedora: dnf install file-libs)" ;;
      clamav) say "the virus scan tests need clamd (macOS: brew install clamav; Fedora: dnf install clamd), or CLAMD_PATH" ;;
      postgresql) say "install PostgreSQL with its contrib extensions (macOS: brew install postgresql@16), or set DATABASE_URL" ;;
    esac
  done
fi

# --- does it actually work? ---------------------------------------------------------------------
for c in "${COMPONENTS[@]}"; do
  case "$c" in
    weasyprint)
      if [ -x "$VENV_PY" ]; then
        if ! err=$("$VENV_PY" -c 'import weasyprint; weasyprint.HTML(string="<p>ok</p>").write_pdf()' 2>&1); then
          problem "WeasyPrint cannot render a PDF: $(printf '%s' "$err" | tail -n 3)"
        fi
      fi
      ;;
    chromium)
      if [ ! -x "$CHROMIUM_PATH" ]; then
        problem "Chromium not found at $CHROMIUM_PATH (browser tests need it: apt-get install chromium, or set CHROMIUM_PATH)"
      elif ! version=$("$CHROMIUM_PATH" --version 2>/dev/null); then
        problem "Chromium at $CHROMIUM_PATH does not start: $("$CHROMIUM_PATH" --version 2>&1 | tail -n 3)"
      else
        say "browser: $version"
      fi
      ;;
    libmagic)
      if [ -x "$VENV_PY" ]; then
        if ! err=$("$VENV_PY" -c 'import magic; assert magic.from_buffer(b"%PDF-1.4\n", mime=True) == "application/pdf"' 2>&1); then
          problem "python-magic cannot use libmagic: $(printf '%s' "$err" | tail -n 3)"
        fi
      fi
      ;;
    clamav)
      clamd_bin=${CLAMD_PATH:-$(command -v clamd || echo /usr/sbin/clamd)}
      if [ ! -x "$clamd_bin" ]; then
        problem "clamd not found (the virus scan tests need it: apt-get install clamav-daemon, or set CLAMD_PATH)"
      elif ! version=$("$clamd_bin" --version 2>/dev/null); then
        problem "clamd at $clamd_bin does not start: $("$clamd_bin" --version 2>&1 | tail -n 3)"
      else
        say "virus scanner: $version"
      fi
      ;;
    postgresql)
      if [ -x "$VENV_PY" ] && [ -n "$("$VENV_PY" scripts/embedded.py system-packages)" ]; then
        problem "still no PostgreSQL build with the extensions the migrations need (see: $VENV_PY scripts/embedded.py serve)"
      fi
      ;;
  esac
done

if [ "$FAILED" = 1 ] && [ "$STRICT" = 1 ]; then
  say "system dependencies are missing (see above): refusing to continue, tests would fail or be skipped"
  exit 1
fi
exit 0
