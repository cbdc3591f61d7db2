"""Builders for what the fakes know about a paper, in each API's shape (test data, not facts)."""

from __future__ import annotations

from typing import Any

from tests.fakes.apis import World


def arxiv(world: World, ident: str, title: str, authors: list[str], **extra: Any) -> None:
    world.arxiv[ident] = {
        "title": title,
        "authors": authors,
        "summary": extra.pop("summary", f"The abstract of {title}."),
        "published": extra.pop("published", "2023-05-01"),
        **extra,
    }


def dblp(
    world: World,
    title: str,
    authors: list[str],
    venue: str,
    year: int,
    key: str,
    ee: str | None = None,
    **extra: Any,
) -> None:
    people: Any = [{"@pid": f"{i}/{i}", "text": a} for i, a in enumerate(authors)]
    info: dict[str, Any] = {
        "authors": {"author": people[0] if len(people) == 1 else people},
        "title": f"{title}.",
        "venue": venue,
        "year": str(year),
        "type": "Informal and Other Publications"
        if venue == "CoRR"
        else extra.pop("type", "Conference and Workshop Papers"),
        "access": "open",
        "key": key,
        "url": f"https://dblp.org/rec/{key}",
        **extra,
    }
    if ee:
        info["ee"] = ee
    world.add_dblp(info)


def openreview(
    world: World, forum: str, title: str, venueid: str, venue: str, authors: list[str]
) -> None:
    world.openreview[forum] = {
        "id": forum,
        "forum": forum,
        "invitations": [f"{venueid.split('/-/')[0]}/-/Submission"],
        "content": {
            "title": {"value": title},
            "authors": {"value": authors},
            "venue": {"value": venue},
            "venueid": {"value": venueid},
            "abstract": {"value": f"The abstract of {title}."},
        },
        "cdate": 1695000000000,
        "pdate": 1705000000000,
    }


def crossref(
    world: World,
    doi: str,
    title: str,
    journal: str,
    date: list[int],
    authors: list[tuple[str, str]],
) -> None:
    world.crossref[doi.lower()] = {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "container-title": [journal],
        "published": {"date-parts": [date]},
        "author": [
            {
                "given": g,
                "family": f,
                "sequence": "first" if i == 0 else "additional",
                "affiliation": [],
            }
            for i, (g, f) in enumerate(authors)
        ],
        "URL": f"https://doi.org/{doi}",
    }


def s2(world: World, key: str, citations: int, **ids: str) -> None:
    world.s2[key] = {
        "paperId": f"s2{abs(hash(key)) % 10**8}",
        "url": f"https://www.semanticscholar.org/paper/s2{abs(hash(key)) % 10**8}",
        "externalIds": {**ids, "CorpusId": 1},
        "citationCount": citations,
    }


def repo(world: World, full_name: str, ident: int, stars: int, archived: bool = False) -> None:
    world.github[full_name] = {
        "id": ident,
        "name": full_name.split("/")[1],
        "full_name": full_name,
        "html_url": f"https://github.com/{full_name}",
        "stargazers_count": stars,
        "archived": archived,
        "pushed_at": "2024-11-02T10:00:00Z",
    }
