"""`python -m procurement`: the same command line as the `procurement` script."""

from procurement.cli import main

main()
