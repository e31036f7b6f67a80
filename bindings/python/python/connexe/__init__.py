"""connexe: related-article recommendations for news sites, from Python.

A thin binding of the Rust crate: articles go in as dicts (or Mappings, dataclasses, model
objects), results come back as the core's JSON, as plain Python objects. Every call that takes
time releases the GIL, and one ``Index`` can be shared by threads (reads run in parallel).

>>> import connexe
>>> index = connexe.Index(language="fr")
>>> index.add({"id": "a", "title": "Le Maroc à Rome contre Daech",
...            "body": "Nasser Bourita représente le Maroc à Rome, où la coalition contre Daech se réunit."})
>>> index.add({"id": "b", "title": "Daech en Afrique : le Maroc appelle à l'union",
...            "body": "Le Maroc appelle la coalition à contrer Daech en Afrique."})
>>> [r["id"] for r in index.similar("a")]
['b']
"""

from ._connexe import Index, __version__, evaluate
from ._errors import ConfigError, ConnexeError, ConnexeIOError, InputError, UnknownIdError
from ._types import ArticleDict, Explanation, Labels, ListItem, Page, ReadAlsoItem, Recommendation

__all__ = [
    "Index",
    "evaluate",
    "ConnexeError",
    "InputError",
    "UnknownIdError",
    "ConfigError",
    "ConnexeIOError",
    "ArticleDict",
    "Explanation",
    "Labels",
    "ListItem",
    "Page",
    "ReadAlsoItem",
    "Recommendation",
    "__version__",
]
