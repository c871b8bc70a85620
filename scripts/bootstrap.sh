#!/usr/bin/env bash
# Shared by run.sh and test.sh: install Debian packages that are missing (as root), then make
# .venv and install Reelcut into it. Idempotent: a second run installs nothing new.
#   bootstrap.sh [extra-apt-packages...]  with PIP_EXTRAS=test|desktop|"test,desktop"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

# espeak-ng: the offline voice-over (local/voice) speaks with it
apt_packages=(fonts-dejavu-core espeak-ng "$@")
# Python with venv + pip: Debian's, unless this machine already has a working one.
if ! command -v python3 >/dev/null || ! python3 -c "import venv, ensurepip" 2>/dev/null; then
    apt_packages+=(python3 python3-venv python3-pip)
fi
missing=()
for p in "${apt_packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "Reelcut needs these Debian packages: ${missing[*]} (run as root, or install them with sudo)" >&2
        exit 1
    fi
    echo "Installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
spec="."
[ -n "${PIP_EXTRAS:-}" ] && spec=".[${PIP_EXTRAS}]"
# Editable for a developer's tree; the packaging test checks a plain `pip install .` separately.
.venv/bin/python -m pip install -q --disable-pip-version-check -e "$spec"
