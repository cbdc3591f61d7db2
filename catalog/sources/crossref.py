"""Crossref's REST API, works by DOI (https://api.crossref.org/swagger-ui/index.html).

The public pool allows five requests a second; an unknown DOI is a 404 "Resource not found.".
The answer's shape is read by `catalog.sync.adapters.crossref`.
"""

from __future__ import annotations

from catalog.sources.service import Service

CROSSREF = Service("Crossref", "CATALOG_CROSSREF_API", "https://api.crossref.org", interval=0.2)
