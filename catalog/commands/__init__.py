"""One module per `catalog` verb: each runs its command, prints the result, returns the exit code.

cli.py only turns click options into arguments for a module's `run`; the modules import their
stages (pydantic models, jinja2, requests, rich) inside `run`, so `catalog --help` loads none of
them. Exit codes: 0 clean, 1 findings, 2 usage or environment errors, 130 on Ctrl-C.
"""
