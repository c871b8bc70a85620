"""`pip install .` (not only editable) must carry the page: build a wheel, install it into a
scratch folder, and serve the page from there."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_and_serves_the_page(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(tmp_path / "dist"), str(ROOT)], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("reelcut-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "reelcut/web/index.html" in names
    assert "reelcut/web/js/main.js" in names
    # the page's feature folders come too, each of its modules
    page = {f"reelcut/web/{f.relative_to(ROOT / 'web').as_posix()}" for f in (ROOT / "web" / "js").rglob("*.js")}
    assert "reelcut/web/js/app/api.js" in page and page <= names, sorted(page - names)
    assert "reelcut/generation/models.json" in names
    assert "reelcut/render/export_formats.json" in names  # the export formats and presets
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True)
    # Run from the installed copy only (not the source tree) and fetch the page through the app.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from pathlib import Path; import reelcut, reelcut.config as c;"
        "assert Path(reelcut.__file__).is_relative_to(Path(sys.argv[1])), reelcut.__file__;"
        "from reelcut.server.app import create_app; from reelcut.services import Services;"
        "cfg = c.Config(data_dir=Path(sys.argv[2]), token='t', port=5999);"
        "client = create_app(cfg, Services(cfg)).test_client();"
        "h = {'Authorization': 'Bearer t'};"
        "r = client.get('/', base_url='http://127.0.0.1:5999', headers=h);"
        "assert r.status_code == 200 and b'src=\"js/main.js\"' in r.data, r.status_code;"
        "r = client.get('/js/main.js', base_url='http://127.0.0.1:5999', headers=h);"
        "assert r.status_code == 200 and r.mimetype == 'text/javascript', r.status_code;"
        "print(c.web_dir())"
    )
    out = subprocess.run([sys.executable, "-c", script, str(target), str(tmp_path / "data")], capture_output=True,
                         text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().startswith(str(target))
