"""Errors a user can act on: the CLI prints them as one line, never a traceback."""


class CatalogError(Exception):
    """A problem with the user's input or environment, worded for the user: exit 1."""

    exit_code = 1


class SetupError(CatalogError):
    """The command cannot run here at all (no data folder, another build running): exit 2."""

    exit_code = 2
