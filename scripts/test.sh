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
# The GTK window (reelcut --gui gtk, tests/test_desktop_gtk.py): WebKitGTK, GStreamer with its
# H.264 decoder (libav), the tools to ask GStreamer what it decodes, and what PyGObject and
# pycairo are built against when pip installs them into the venv.
gtk_libs=(gir1.2-webkit2-4.1 gstreamer1.0-libav gstreamer1.0-plugins-good gstreamer1.0-plugins-base
          gstreamer1.0-tools libgirepository1.0-dev libcairo2-dev pkg-config gcc python3-dev)
PIP_EXTRAS=test,desktop,gtk,build bash scripts/bootstrap.sh chromium "${qt_libs[@]}" "${gtk_libs[@]}" "${node_pkg[@]}"
export PATH="$here/.venv/bin:$PATH"

echo "== npm ci (Google's CSP Evaluator for the policy test, axe-core for the accessibility test)"
npm ci --silent --no-audit --no-fund
echo "== ruff"
ruff check desktop tests bench
echo "== node --test (page logic)"
node --test tests/js/
echo "== pytest"
python -m pytest "$@"
