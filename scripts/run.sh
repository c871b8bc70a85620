#!/usr/bin/env bash
# Quick start, command 1: install Reelcut and start it for a browser. The offline generator
# works with no key and no network. Extra arguments go to `reelcut serve` (e.g. --no-browser).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$here/scripts/bootstrap.sh"
exec "$here/.venv/bin/reelcut" serve "$@"
