"""DBLP's publication search API (https://dblp.org/faq/How+to+use+the+dblp+search+API.html).

DBLP publishes no number for its limit but answers bursts with 429 and Retry-After; one request
a second stays clear of it. The answer's shape is read by `catalog.sync.adapters.dblp`.
"""

from __future__ import annotations

from catalog.sources.service import Service

DBLP = Service("DBLP", "CATALOG_DBLP_API", "https://dblp.org/search/publ/api", interval=1.0)
