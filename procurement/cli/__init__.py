"""The `procurement` command line. Heavy modules are imported by the commands that use them,
so that `procurement --help` starts fast."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Entry point of the `procurement` console script."""
    from procurement.cli.app import run

    run()
