"""Link checking: collect every URL of the records, check each once, judge, report.

The stages follow lychee's: `collect` (URLs with the records and lines they came from) ->
`hosts` and `scheduler` on the shared engine (`catalog.sources.http`: HTTP checks, polite per
host, with strategies for hosts that need care) -> `verdict` (what a response means) ->
`report` (text, JSON, Markdown, GitHub annotations). `run.check_links` ties them together;
on a cold run its input is a `feed.LinkFeed`, which reads the records' links (`read`: the link
fields only, no validator) while they are checked; a run on unchanged data takes its links
from the cache's `index` instead.
`catalog.commands.check_links` is the `catalog check-links` CLI.

This module imports nothing heavy, so the CLI starts fast.
"""
