"""`catalog sync`: ask outside sources about each paper, keep what they say in the facts lockfile,
and propose (or, with --write, apply) changes to the hand-written records."""
