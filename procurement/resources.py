"""Find the data that ships with procurement: migrations, fixtures and seed articles.

An installed wheel carries them in `procurement/_bundled/`; an editable install or a
checkout has them at the top of the repository, next to the package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

__all__ = ["resource_path"]

Resource = Literal["migrations", "fixtures", "seeds"]

_PACKAGE = Path(__file__).resolve().parent


def resource_path(name: Resource) -> Path:
    """The directory holding `name`, from the installed package first, the checkout second."""
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"procurement's {name!r} directory is missing from both the installed package "
        f"({_PACKAGE / '_bundled' / name}) and the checkout ({_PACKAGE.parent / name}); "
        "reinstall the package"
    )
