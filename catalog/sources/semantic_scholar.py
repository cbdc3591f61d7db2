"""Semantic Scholar's Graph API (https://api.semanticscholar.org/api-docs/graph).

The batch endpoint (POST /paper/batch, up to 500 ids) answers `null` for an unknown id. An API
key, optional, goes in `x-api-key`; the introductory rate limit is one request a second. The
answer's shape is read by `catalog.sync.adapters.semantic_scholar`.
"""

from __future__ import annotations

from catalog.sources.service import Service

SEMANTIC_SCHOLAR = Service(
    "Semantic Scholar",
    "CATALOG_SEMANTIC_SCHOLAR_API",
    "https://api.semanticscholar.org/graph/v1",
    interval=1.0,
    key_env="SEMANTIC_SCHOLAR_API_KEY",
)
