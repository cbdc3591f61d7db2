"""Errors a user can act on, and the exit statuses every command shares.

The CLI prints an error as one line, never a traceback, and exits with its `exit_code`:
1 for a problem in the user's input (the data, a refused paper), 2 for one in how the command
was called or the environment it runs in (a missing folder, a bad option, no site to serve).
"""

from __future__ import annotations

EXIT_OK = 0  # clean
EXIT_FINDINGS = 1  # data errors, broken links, duplicates, a stale README
EXIT_USAGE = 2  # a bad option, a missing folder, an environment that cannot do the job
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as a shell reports it)

EXIT_CODES_HELP = (
    "Exit status: 0 clean; 1 findings (data errors, broken links, duplicates, a stale "
    "README); 2 usage or environment errors (bad option, missing folder); 130 on Ctrl-C."
)


class CatalogError(Exception):
    """A problem with the user's input, worded for the user (exit status 1)."""

    exit_code = EXIT_FINDINGS


class UsageProblem(CatalogError):
    """The command cannot run as called or where it runs: bad options, a missing folder or
    tool, an output path that is not writable (exit status 2)."""

    exit_code = EXIT_USAGE
