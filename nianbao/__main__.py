"""`python -m nianbao …` is the `nianbao` command."""

from nianbao.cli import cli

cli()
