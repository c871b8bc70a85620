#!/usr/bin/env bash
# Quick start, command 1: install Reelcut and start it. Where there is a display (DISPLAY or
# WAYLAND_DISPLAY) that is the desktop window: the desktop extra (pywebview with Qt) is installed
# too. Without one it serves for a browser, and says why in one line.
#   run.sh                   the window where there is a display, else the browser
#   run.sh [--browser] [serve options]   a browser even with a display: --browser, or any option of
#                            `reelcut serve` (--no-browser, --port N, --dev, ...), which go to it
# REELCUT_RUN_DRY_RUN=1 prints the decision and exits before installing anything (its tests).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

mode=window
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    mode=browser
    why="No display found (DISPLAY/WAYLAND_DISPLAY unset): serving for a browser at the address below."
elif [ "$#" -gt 0 ]; then
    mode=browser
    why="Serving for a browser, as asked on the command line."
    if [ "$1" = "--browser" ]; then shift; fi
else
    found=()
    if [ -n "${WAYLAND_DISPLAY:-}" ]; then found+=("WAYLAND_DISPLAY=$WAYLAND_DISPLAY"); fi
    if [ -n "${DISPLAY:-}" ]; then found+=("DISPLAY=$DISPLAY"); fi
    why="Display found (${found[*]}): opening the Reelcut window."
fi

if [ "${REELCUT_RUN_DRY_RUN:-}" = 1 ]; then
    echo "$why"
    if [ "$mode" = window ]; then echo "would run: reelcut"; else echo "would run: reelcut serve $*"; fi
    exit 0
fi

if [ "$mode" = window ]; then
    source "$here/scripts/qt-libs.sh"
    libs=()
    # as root the window's libraries are installed; otherwise bootstrap would refuse to go on
    # without them, and the window tells what it misses when it starts
    if [ "$(id -u)" -eq 0 ]; then libs=("${qt_libs[@]}"); fi
    if ! PIP_EXTRAS=desktop bash "$here/scripts/bootstrap.sh" "${libs[@]}"; then
        mode=browser
        why="The desktop window could not be installed (see above): serving for a browser at the address below."
    fi
fi
echo "$why"
if [ "$mode" = window ]; then
    exec "$here/.venv/bin/reelcut"
fi
bash "$here/scripts/bootstrap.sh"
exec "$here/.venv/bin/reelcut" serve "$@"
