"""Errors a user can act on: the CLI prints them as one line and exits 1, never a traceback."""


class CatalogError(Exception):
    """A problem with the user's input or environment, worded for the user."""
