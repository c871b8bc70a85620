#!/usr/bin/env bash
# Quick start, command 2: install everything the tests need (Debian's Chromium for Playwright,
# Node.js for the page's logic tests, fonts for the offline generator) and run the whole suite.
# Extra arguments go to pytest (e.g. -m "not slow" while iterating).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
node_pkg=()
command -v node >/dev/null || node_pkg+=(nodejs)
command -v npm >/dev/null || node_pkg+=(npm)
source scripts/qt-libs.sh  # qt_libs: what Qt WebEngine from PyPI (the desktop window) needs
qt_libs+=(xvfb)  # an X server for the Qt window on xcb (tests/test_frozen.py, tests/test_preview_qt.py)
PIP_EXTRAS=test,desktop,build bash scripts/bootstrap.sh chromium "${qt_libs[@]}" "${node_pkg[@]}"
export PATH="$here/.venv/bin:$PATH"

echo "== npm ci (Google's CSP Evaluator for the policy test, axe-core for the accessibility test)"
npm ci --silent --no-audit --no-fund
echo "== ruff"
ruff check desktop tests bench
echo "== node --test (page logic)"
node --test tests/js/
echo "== pytest"
python -m pytest "$@"
