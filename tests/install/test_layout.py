"""The fixed layout survives packaging: datasette/ stays a top-level configuration folder (never a package that
shadows the datasette library), pyproject.toml lists every package and ships datasette/ as nianbao._site, and a
checkout (editable install) serves its own datasette/."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from setuptools import find_packages

from nianbao.serve import CONFIG, config_dir
from tests.install.envs import ROOT

SITE = ROOT / "datasette"


def _setuptools() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["setuptools"]


def test_datasette_folder_is_configuration_not_a_package() -> None:
    for name in ("metadata.yml", "templates/base.html", "plugins/report_page.py", "static/nianbao.css"):
        assert (SITE / name).is_file(), name
    assert not (ROOT / "nianbao" / "datasette").exists()
    assert list(SITE.rglob("__init__.py")) == []


def test_import_datasette_from_the_checkout_root_is_the_library() -> None:
    # `python -c` puts the working directory first on sys.path, as running a script from the checkout does
    probe = subprocess.run([sys.executable, "-c", "import datasette, datasette.app; print(datasette.__file__)"],
                           cwd=ROOT, capture_output=True, text=True, check=True)
    found = Path(probe.stdout.strip())
    assert found.name == "__init__.py"
    assert "site-packages" in found.parts
    assert found.parent != SITE


def test_checkout_serves_its_own_datasette_folder() -> None:
    assert CONFIG == config_dir() == SITE


def test_pyproject_lists_every_package_and_maps_datasette() -> None:
    config = _setuptools()
    listed = set(config["packages"])
    tops = sorted({name.split(".")[0] for name in listed})
    found = set(find_packages(where=str(ROOT), include=[f"{top}*" for top in tops]))
    assert len(found) >= 10
    assert sorted(found - listed) == []
    assert config["package-dir"] == {"nianbao._site": "datasette"}
    plugin_folders = {p.parent for p in SITE.rglob("*.py")}
    assert plugin_folders == {SITE / "plugins"}
    assert "nianbao._site.plugins" in listed
