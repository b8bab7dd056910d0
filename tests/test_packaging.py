"""The built wheel is self-sufficient: installed with no checkout, it migrates a database."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from procurement.store.database import make_engine
from tests.conftest import Databases

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An sdist, and a wheel built from that sdist (so the sdist must be complete)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return {
        "sdist": next(out.glob("procurement-*.tar.gz")),
        "wheel": next(out.glob("procurement-*.whl")),
    }


@pytest.fixture(scope="module")
def installed(built: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the wheel; dependencies are borrowed from this
    environment's site-packages (a .pth line), so no network is needed and no checkout is
    on the path."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            str(built["wheel"]),
        ],
        check=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def test_the_wheel_carries_types_migrations_fixtures_and_seeds(built: dict[str, Path]) -> None:
    """py.typed, every migration, fixture and seed article ride inside the wheel."""
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    assert "procurement/py.typed" in names
    assert "procurement/__init__.py" in names
    bundled = {n.removeprefix("procurement/_bundled/") for n in names if "_bundled/" in n}
    for folder in ("migrations", "fixtures", "seeds"):
        in_checkout = {
            str(p.relative_to(ROOT))
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }
        assert in_checkout and in_checkout <= bundled
    assert not any(n.startswith("tests/") for n in names)


def _run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [str(venv / "bin" / "procurement"), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
    )


def test_the_installed_package_is_the_wheel_not_the_checkout(
    installed: Path, tmp_path: Path
) -> None:
    """Imports resolve inside the new environment."""
    where = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import procurement; print(procurement.__file__)",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(installed))


def test_the_installed_wheel_migrates_seeds_and_downgrades(
    installed: Path, databases: Databases, tmp_path: Path
) -> None:
    """From the wheel alone: `db upgrade` creates the schema, `seed` loads the bundled
    articles and fixtures, `db downgrade base` removes every table."""
    url = databases.new_url()
    upgraded = _run(installed, "db", "upgrade", "--db", url, cwd=tmp_path)
    assert "is at revision" in upgraded.stdout
    _run(installed, "seed", "--db", url, cwd=tmp_path)
    engine = make_engine(url)
    assert "status_events" in inspect(engine).get_table_names()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sources")).scalar() == 5
    _run(installed, "db", "downgrade", "base", "--db", url, cwd=tmp_path)
    assert inspect(engine).get_table_names() == []
    engine.dispose()
