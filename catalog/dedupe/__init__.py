"""Same paper or not: grouping (`groups`), what validation reports (`report`), merging (`merge`).

The package exports what `validate` needs; `catalog.dedupe.merge` (which pulls in the record
writer) is imported by name where a merge is made, so `catalog validate` never loads it.
"""

from catalog.catalog import Conflict, Group
from catalog.dedupe.groups import Identified, Identity, find_groups, find_identity
from catalog.dedupe.report import conflict_diagnostics, duplicate_diagnostics, original_of

__all__ = [
    "Conflict",
    "Group",
    "Identified",
    "Identity",
    "conflict_diagnostics",
    "duplicate_diagnostics",
    "find_groups",
    "find_identity",
    "original_of",
]
