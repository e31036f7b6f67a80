"""The shapes of connexe's results, as typing.TypedDict (they are plain dicts at run time).

Each mirrors the core's JSON: keys marked optional are absent when the value is unknown
(``url``, ``published``, and an article's optional fields), exactly as in the JSON.
"""

from __future__ import annotations

from typing import List, TypedDict


class _ArticleRequired(TypedDict):
    id: str
    title: str
    body: str


class ArticleDict(_ArticleRequired, total=False):
    """An article as ``Index.get`` and ``Index.remove`` return it (and as ``add`` accepts it)."""

    lead: str
    url: str
    published: str  # RFC 3339, UTC
    section: str
    tags: List[str]
    entities: List[str]
    lang: str  # ISO 639-1


class Explanation(TypedDict):
    """Why an article was picked: each component of its score and what the two share."""

    text: float
    entities: float
    tags: float
    section: float
    recency: float
    shared_terms: List[str]
    shared_entities: List[str]


class _RecommendationRequired(TypedDict):
    id: str
    title: str
    score: float
    explain: Explanation


class Recommendation(_RecommendationRequired, total=False):
    """One item of ``Index.similar``."""

    url: str
    published: str


class _ReadAlsoRequired(TypedDict):
    after_paragraph: int
    id: str
    title: str
    score: float
    pinned: bool
    fallback: bool
    explain: Explanation


class ReadAlsoItem(_ReadAlsoRequired, total=False):
    """An "À lire" link, placed after the 0-based paragraph ``after_paragraph``."""

    url: str


class _ListItemRequired(TypedDict):
    id: str
    title: str
    score: float
    teaser: str
    pinned: bool
    fallback: bool
    explain: Explanation


class ListItem(_ListItemRequired, total=False):
    """An item of "Aller plus loin" or "Ces articles devraient vous intéresser"."""

    url: str
    published: str


class Labels(TypedDict):
    read_also: str
    go_further: str
    you_may_like: str


class Page(TypedDict):
    """The three blocks of an article's page, as ``Index.page`` returns them."""

    id: str
    lang: str
    labels: Labels
    read_also: List[ReadAlsoItem]
    go_further: List[ListItem]
    you_may_like: List[ListItem]
    notes: List[str]


__all__ = ["ArticleDict", "Explanation", "Recommendation", "ReadAlsoItem", "ListItem", "Labels", "Page"]
