"""Fresh virtual environments outside the checkout, built offline from the packages this test run already has.

Why not `pip install` the wheel's dependencies from PyPI: about 60 distributions, a minute or more and the
network on every run. Instead the new venv sees, through one .pth file, a folder of links to exactly the
installed distributions a requirement set needs (walked from their metadata: markers evaluated, extras
followed). A module only a dev extra provides (pytest, hypothesis, ruff) is missing there as on a plain
`pip install nianbao`, and the checkout is nowhere on the path. The versions are the pinned ones, since the
dev environment was installed from the same pyproject.toml.
"""

from __future__ import annotations

import email.parser
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]


def source_copy(dest: Path) -> Path:
    """The project's files as git sees them (tracked and new, not ignored): what a fresh clone would build."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def build_wheel(out: Path) -> Path:
    """`pip wheel` of a copy of the project (no build isolation: setuptools and wheel are dev dependencies)."""
    src = source_copy(out / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                    str(out), str(src)], check=True, capture_output=True)
    return next(out.glob("nianbao-*.whl"))


def wheel_requirements(wheel: Path) -> list[str]:
    """Requires-Dist of the wheel as built (not of the editable install, whose metadata may be older)."""
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(z.read(name).decode("utf-8"))
    return meta.get_all("Requires-Dist") or []


def project_requirements() -> list[str]:
    """The runtime dependencies pyproject.toml declares (no extras)."""
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["dependencies"]


def closure(requirements: list[str]) -> list[metadata.Distribution]:
    """Every installed distribution the requirements need, transitively (no extras unless asked for)."""
    found: dict[str, metadata.Distribution] = {}
    done: set[tuple[str, frozenset[str]]] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        req = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": ""}):
            continue
        key = (canonicalize_name(req.name), frozenset(req.extras))
        if key in done:
            continue
        done.add(key)
        dist = found.setdefault(key[0], metadata.distribution(req.name))
        for line in dist.requires or []:
            sub = Requirement(line)
            if sub.marker and not any(sub.marker.evaluate({"extra": e}) for e in ("", *req.extras)):
                continue
            sub.marker = None
            todo.append(sub)
    return list(found.values())


def _top_level(dist: metadata.Distribution) -> set[str]:
    """The names a distribution puts into site-packages (packages, modules, its .dist-info, .pth files)."""
    names = {Path(str(f)).parts[0] for f in dist.files or []}
    return {n for n in names if n not in ("..", "__pycache__")}


def make_venv(where: Path, requirements: list[str]) -> Path:
    """A venv at `where` (no pip, no site packages) that sees only `requirements`' closure. Returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    deps = where / "deps"
    deps.mkdir()
    for dist in closure(requirements):
        site = Path(str(dist.locate_file("")))
        for name in _top_level(dist):
            if (site / name).exists() and not (deps / name).exists():
                (deps / name).symlink_to(site / name)
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    # addsitedir (not a bare path) so the deps' own .pth files are processed as in site-packages
    Path(purelib, "nianbao-test-deps.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")
    return python


def pip_install(python: Path, *args: str) -> None:
    """This run's pip, installing into another environment (`pip --python`), offline."""
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index",
                    "--no-deps", *args], check=True, capture_output=True)


def clean_env(venv: Path) -> dict[str, str]:
    """An environment with the venv first on PATH and nothing pointing back at the checkout."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "NO_PROXY", "HTTP_PROXY", "HTTPS_PROXY"}
    env = {k: v for k, v in os.environ.items() if k.upper() not in drop}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/bin:/bin"
    return env
