"""Type stubs of connexe's native module (``connexe._connexe``); import ``connexe`` instead."""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union, final

from ._types import ArticleDict, Page, Recommendation

__all__ = ["Index", "evaluate", "__version__"]

__version__: str

#: A path: str or os.PathLike.
_Path = Union[str, "os.PathLike[str]"]

#: An article: a dict or any Mapping with the keys below, or an object (dataclass, ORM model)
#: with them as attributes. ``id``, ``title`` and ``body`` are required (str); ``lead``,
#: ``url``, ``section``, ``lang`` (ISO 639-1) are str; ``tags`` and ``entities`` lists of str;
#: ``published`` an RFC 3339 or YYYY-MM-DD str, a ``datetime.date`` or an aware
#: ``datetime.datetime``. None counts as absent; other keys are ignored.
_Article = Union[Mapping[str, Any], Any]

@final
class Index:
    """A related-articles index.

    ``language``: the language of articles without ``lang`` whose language the detector cannot
    tell (ISO 639-1; default: the config's ``index.default_language``, itself French by default).
    ``config``: a dict of the shape of connexe's configuration file, ``{"index": {...},
    "page": {...}}`` (``IndexConfig`` and ``PageConfig`` fields); ``page`` sets the defaults of
    ``page()``. ``aliases``: ``{"Canonical name": ["variant", ...]}``.

    Raises ConfigError for an invalid config or alias table, InputError for an unknown language.
    """

    def __new__(
        cls,
        language: Optional[str] = None,
        config: Optional[Mapping[str, Any]] = None,
        aliases: Optional[Mapping[str, Sequence[str]]] = None,
    ) -> Index: ...
    @staticmethod
    def load(path: _Path, page_config: Optional[Mapping[str, Any]] = None) -> Index:
        """Opens an index written by ``save`` (its index settings and aliases come with it);
        ``page_config`` (a ``PageConfig`` dict) sets the defaults of ``page()``.

        Raises ConnexeIOError when the file cannot be read, InputError when it is not a valid
        connexe index file."""
    def save(self, path: _Path) -> None:
        """Writes the index to ``path`` atomically (temporary file, fsync, rename)."""
    def add(self, article: _Article) -> None:
        """Adds a new article. Raises InputError when it is invalid or its id is indexed."""
    def add_many(self, articles: Iterable[_Article]) -> int:
        """Adds every article; returns how many. An error names the item ("item 3: ...");
        the articles before it stay added."""
    def update(self, article: _Article) -> ArticleDict:
        """Replaces the article with the same id; returns the old one. UnknownIdError if absent."""
    def upsert(self, article: _Article) -> Optional[ArticleDict]:
        """Adds the article or replaces the one with its id; returns the replaced one or None."""
    def remove(self, id: str) -> ArticleDict:
        """Removes the article and returns it. UnknownIdError if absent."""
    def get(self, id: str) -> Optional[ArticleDict]:
        """The article with this id (as the index holds it), or None."""
    def __len__(self) -> int: ...
    def __contains__(self, id: object, /) -> bool: ...
    def similar(self, id: str, k: int = 5) -> List[Recommendation]:
        """The ``k`` most related articles, best first, each with its explanation."""
    def page(self, id: str, config: Optional[Mapping[str, Any]] = None) -> Page:
        """The page's three blocks (read_also, go_further, you_may_like), as the JSON has them.
        ``config`` is a ``PageConfig`` dict (``{"go_further": {"count": 5}, ...}``) replacing
        the index's page settings for this call."""
    def page_json(self, id: str, config: Optional[Mapping[str, Any]] = None) -> str:
        """The page as compact JSON text (the CLI's ``--format json``, unindented)."""
    def page_html(self, id: str, config: Optional[Mapping[str, Any]] = None) -> str:
        """The page as an escaped HTML fragment (the CLI's ``--format html``)."""

def evaluate(
    corpus: _Path,
    qrels: _Path,
    k: int = 5,
    config: Optional[Mapping[str, Any]] = None,
    aliases: Optional[Mapping[str, Sequence[str]]] = None,
) -> Dict[str, float]:
    """Builds an index from a JSON Lines corpus and ranks every other article for each judged
    query of ``qrels`` (``query_id<TAB>doc_id<TAB>grade`` lines). Returns
    ``{"queries": n, "ndcg@K": ..., "p@K": ..., "mrr": ..., "map": ...}``. The corpus reader's
    warnings (a repeated id) are issued as UserWarning."""
