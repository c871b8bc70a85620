# Sourced by run.sh and test.sh: the X/GL/NSS libraries Qt WebEngine from PyPI (the desktop
# window) needs, even offscreen.
qt_libs=(libnss3 libxkbfile1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libasound2 libegl1 libgl1 libgbm1
         libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
         libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-xfixes0 libfontconfig1)
