#!/usr/bin/env python3
"""Set up and run procurement from a fresh clone, with nothing but Python 3.11+.

    python3 dev.py demo    migrate the embedded SQLite database, seed it, tell the story
    python3 dev.py test    run the test suite on SQLite and PostgreSQL
    python3 dev.py check   ruff and mypy --strict

Each command creates ./.venv on first use and installs the project into it (again only
when pyproject.toml changes). Extra arguments are passed on (to pytest for `test`).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".procurement-installed"


def _run(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    completed = subprocess.run([str(a) for a in args], cwd=ROOT)
    if completed.returncode:
        sys.exit(completed.returncode)


def setup() -> None:
    """Create .venv and install the project with its dev, postgres and plots extras."""
    if sys.version_info < (3, 11):  # noqa: UP036 (this script may run on any Python)
        sys.exit(f"procurement needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[dev]")
    STAMP.write_text(wanted)


def demo(args: list[str]) -> None:
    """Migrate and seed the default embedded database, then print what the tracker knows."""
    _run(BIN / "procurement", "db", "upgrade", *args)
    _run(BIN / "procurement", "seed", *args)
    _run(BIN / "procurement", "story", "--as-of", "2025-12-31", *args)


def test(args: list[str]) -> None:
    """The whole suite, every database test on SQLite and on PostgreSQL."""
    _run(BIN / "python", "-m", "pytest", *args)


def check(args: list[str]) -> None:
    """Lint, format check and strict typing."""
    _run(BIN / "ruff", "check", ".", *args)
    _run(BIN / "ruff", "format", "--check", ".")
    _run(BIN / "mypy", "--strict", "procurement")


COMMANDS = {"demo": demo, "test": test, "check": check}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    setup()
    COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
