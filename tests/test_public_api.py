"""The public surface is small and explicit: what `procurement` exports is deliberate."""

from __future__ import annotations

import procurement


def test_all_lists_exactly_the_public_names() -> None:
    """Every public attribute of the package is in __all__, every name in __all__ resolves,
    and what is loaded lazily is exactly what __all__ promises."""
    assert set(procurement._EXPORTS) == set(procurement.__all__) - {"__version__"}
    public = {
        name
        for name in dir(procurement)
        if not name.startswith("_")
        and not isinstance(getattr(procurement, name), type(procurement))
    }
    assert public == set(procurement.__all__) - {"__version__"}


def test_the_package_ships_type_information() -> None:
    """py.typed marks the package as typed for mypy users."""
    from importlib.resources import files

    assert files("procurement").joinpath("py.typed").is_file()
