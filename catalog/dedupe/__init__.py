"""Same paper or not: grouping (`groups`), what validation reports (`report`), merging (`merge`)."""

from catalog.catalog import Conflict, Group
from catalog.dedupe.groups import Identified, Identity, find_groups, find_identity
from catalog.dedupe.merge import FixReport, Merge, fix_duplicates, merge
from catalog.dedupe.report import conflict_diagnostics, duplicate_diagnostics, original_of

__all__ = [
    "Conflict",
    "FixReport",
    "Group",
    "Identified",
    "Identity",
    "Merge",
    "conflict_diagnostics",
    "duplicate_diagnostics",
    "find_groups",
    "find_identity",
    "fix_duplicates",
    "merge",
    "original_of",
]
