"""Link checking: collect every URL of the records, check each once, judge, report.

The stages follow lychee's: `collect` (URLs with the records and lines they came from) ->
`engine` and `hosts` (HTTP checks, polite per host, with strategies for hosts that need care)
-> `verdict` (what a response means) -> `report` (text, JSON, Markdown, GitHub annotations).
`run.check_catalog` ties them together; `command` is the `catalog check-links` CLI.

This module imports nothing heavy, so the CLI starts fast.
"""
