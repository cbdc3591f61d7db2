"""What the search finds each page by: papers first (in the home page's order), then the
facet pages and the hand-written ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from catalog.render.search import AUTHORS, IDS, TAGS, TEXT, TITLE, VENUE, SearchDoc

if TYPE_CHECKING:
    from catalog.catalog import Catalog
    from catalog.render.pages import Site


def search_docs(catalog: Catalog, site: Site) -> tuple[list[SearchDoc], int]:
    """The documents and how many of them (the first ones) are papers."""
    docs = []
    for paper in site.order:
        view = site.views[paper.id]  # record + facts: authors and ids the facts fill in
        full = view.venue_full_name
        authors = ", ".join(view.authors)
        teaser = f"{paper.venue} {paper.year}" + (f" · {authors}" if authors else "")
        docs.append(
            SearchDoc(
                f"papers/{paper.id}/",
                paper.title,
                teaser,
                {
                    TITLE: paper.title,
                    IDS: " ".join(x for x in (paper.id, view.arxiv_id, view.doi) if x),
                    AUTHORS: authors,
                    TAGS: " ".join(
                        [*paper.keywords, *(site.facets.label("topic", t) for t in paper.topics)]
                    ),
                    VENUE: f"{paper.venue} {full} {paper.year}",
                    TEXT: site.abstracts.get(paper.id, ""),
                },
            )
        )
    count = len(docs)
    for page in site.items:  # Pending pages too: the path and title are all it needs
        if page.path.startswith("papers/") or "/page/" in page.path:
            continue
        fields = {TITLE: page.title}
        if not page.path and catalog.config:
            fields[TEXT] = f"{catalog.config.description} {catalog.config.intro}"
        docs.append(SearchDoc(page.path, page.title, "", fields))
    return docs, count
