"""Round trips of every method of connexe.Index and of connexe.evaluate."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Dict, Iterator, List, Optional

import pytest

import connexe

FULL = {
    "id": "x1",
    "title": "Le Maroc à Rome contre Daech",
    "body": "Nasser Bourita représente le Maroc à Rome.\n\nLa coalition contre Daech se réunit.",
    "lead": "Le ministre est à Rome.",
    "url": "https://example.org/x1",
    "published": "2021-06-28T09:30:00+02:00",
    "section": "Monde",
    "tags": ["Maroc", "Daech"],
    "entities": ["Nasser Bourita"],
    "lang": "fr",
}
# The article as the index gives it back: the time in UTC.
FULL_OUT = dict(FULL, published="2021-06-28T07:30:00Z")


class ArticleMapping(Mapping):
    """A Mapping that is not a dict (a CMS's row object, say)."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


@dataclasses.dataclass
class NewsArticle:
    id: str
    title: str
    body: str
    lead: Optional[str] = None
    url: Optional[str] = None
    published: Optional[dt.datetime] = None
    section: Optional[str] = None
    tags: List[str] = dataclasses.field(default_factory=list)
    entities: List[str] = dataclasses.field(default_factory=list)
    lang: Optional[str] = None


def test_add_get_len_contains():
    index = connexe.Index()
    assert len(index) == 0 and "x1" not in index and index.get("x1") is None
    assert index.add(FULL) is None
    assert len(index) == 1
    assert "x1" in index
    assert 42 not in index  # not a str: simply absent
    assert index.get("x1") == FULL_OUT
    assert repr(index) == "<connexe.Index of 1 articles>"


def test_get_returns_what_add_takes():
    index = connexe.Index()
    index.add(FULL)
    again = connexe.Index()
    again.add(index.get("x1"))
    assert again.get("x1") == FULL_OUT


@pytest.mark.parametrize(
    "make",
    [
        lambda: dict(FULL),
        lambda: ArticleMapping(dict(FULL)),
        lambda: SimpleNamespace(**FULL),
        lambda: NewsArticle(
            **dict(
                FULL,
                published=dt.datetime(2021, 6, 28, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            )
        ),
        lambda: dict(FULL, tags=("Maroc", "Daech")),
    ],
    ids=["dict", "mapping", "object", "dataclass-datetime", "tuple-tags"],
)
def test_article_forms(make):
    index = connexe.Index()
    index.add(make())
    assert index.get("x1") == FULL_OUT


def test_published_as_date_and_none_as_absent():
    index = connexe.Index()
    index.add({"id": "d", "title": "Titre", "body": "Corps.", "published": dt.date(2021, 6, 28), "lead": None})
    assert index.get("d") == {"id": "d", "title": "Titre", "body": "Corps.", "published": "2021-06-28T00:00:00Z"}


def test_unknown_keys_and_attributes_are_ignored():
    index = connexe.Index()
    index.add(dict(FULL, author=object(), id="k"))
    assert index.get("k")["title"] == FULL["title"]


def test_add_many_counts_and_takes_any_iterable(corpus):
    index = connexe.Index()
    assert index.add_many(a for a in corpus) == len(corpus)
    assert len(index) == len(corpus)
    assert index.add_many([]) == 0
    assert all(a["id"] in index for a in corpus)


def test_update_upsert_remove(small):
    old = small.update({"id": "c", "title": "Le Wydad sacré champion", "body": "Le club de Casablanca gagne."})
    assert old["title"] == "Le Wydad champion du Maroc"
    assert small.get("c")["title"] == "Le Wydad sacré champion"

    assert small.upsert({"id": "d", "title": "Rome accueille la coalition", "body": "Daech."}) is None
    replaced = small.upsert({"id": "d", "title": "Rome accueille la coalition (mis à jour)", "body": "Daech."})
    assert replaced["title"] == "Rome accueille la coalition"
    assert len(small) == 4

    removed = small.remove("d")
    assert removed == {"id": "d", "title": "Rome accueille la coalition (mis à jour)", "body": "Daech."}
    assert "d" not in small and len(small) == 3


def test_similar(small):
    related = small.similar("a")
    assert [r["id"] for r in related] == ["b", "c"]
    top = related[0]
    assert set(top) == {"id", "title", "published", "score", "explain"}  # no url: absent, as in the JSON
    assert top["published"] == "2021-06-27T00:00:00Z"
    assert 0 < top["score"] <= 1
    assert set(top["explain"]) == {"text", "entities", "tags", "section", "recency", "shared_terms", "shared_entities"}
    # "EI" and "Daech" are one entity through the alias table.
    assert "Daech" in top["explain"]["shared_entities"]
    assert small.similar("a", k=1) == related[:1]
    assert small.similar("a", k=0) == []


def test_similar_after_changes(small):
    small.remove("b")
    assert [r["id"] for r in small.similar("a")] == ["c"]
    small.add({"id": "b2", "title": "Daech menace Rome", "body": "La coalition contre Daech se réunit à Rome."})
    assert [r["id"] for r in small.similar("a")] == ["b2", "c"]


def test_page_blocks(corpus_index, corpus):
    page = corpus_index.page("fra-dev-0173")
    assert list(page) == ["id", "lang", "labels", "read_also", "go_further", "you_may_like", "notes"]
    assert page["labels"]["go_further"] == "Aller plus loin"
    assert 1 <= len(page["read_also"]) <= 3
    assert 3 <= len(page["go_further"]) <= 5
    assert 4 <= len(page["you_may_like"]) <= 8
    for link in page["read_also"]:
        assert isinstance(link["after_paragraph"], int)
    for item in page["go_further"] + page["you_may_like"]:
        assert item["teaser"] and item["id"] != "fra-dev-0173"


def test_page_config_per_call(corpus_index):
    page = corpus_index.page("fra-dev-0173", config={"go_further": {"count": 3}, "read_also": {"links": 0}})
    assert len(page["go_further"]) == 3
    assert page["read_also"] == []
    pinned = corpus_index.page("fra-dev-0173", {"pins": {"go_further": ["fra-dev-0001"]}})
    assert pinned["go_further"][0]["id"] == "fra-dev-0001" and pinned["go_further"][0]["pinned"]


def test_page_json_and_html(corpus_index):
    text = corpus_index.page_json("fra-dev-0173")
    assert json.loads(text) == corpus_index.page("fra-dev-0173")
    html = corpus_index.page_html("fra-dev-0173")
    assert '<aside class="connexe-read-also"' in html and "<section" in html
    assert "Aller plus loin" in html
    short = corpus_index.page_json("fra-dev-0173", {"go_further": {"count": 3}})
    assert len(json.loads(short)["go_further"]) == 3


def test_constructor_config_sets_page_defaults_and_weights(corpus):
    index = connexe.Index(config={"page": {"go_further": {"count": 5}}})
    index.add_many(corpus)
    assert len(index.page("fra-dev-0173")["go_further"]) == 5

    weighted = connexe.Index(config={"index": {"weights": {"entities": 0.0, "tags": 0.0, "section": 0.0}}})
    weighted.add_many(corpus)
    top = weighted.similar("fra-dev-0173", 1)[0]
    assert top["score"] == pytest.approx(0.9 * top["explain"]["text"] * top["explain"]["recency"])


def test_language_is_the_default_for_articles_without_lang():
    short = {"id": "s", "title": "Xq", "body": "Zz."}  # nothing a detector can tell
    assert _page_lang(connexe.Index(language="en"), short) == "en"
    assert _page_lang(connexe.Index(), short) == "fr"
    assert _page_lang(connexe.Index(language="en"), dict(short, lang="de")) == "de"
    # `language` wins over the config's index.default_language.
    assert _page_lang(connexe.Index(language="en", config={"index": {"default_language": "de"}}), short) == "en"
    assert _page_lang(connexe.Index(config={"index": {"default_language": "de"}}), short) == "de"


def _page_lang(index: connexe.Index, article: Dict[str, Any]) -> str:
    index.add(article)
    return index.page(article["id"])["lang"]


def test_save_and_load(small, tmp_path):
    path = tmp_path / "news.connexe"
    small.save(path)
    loaded = connexe.Index.load(path)
    assert len(loaded) == len(small)
    assert loaded.get("a") == small.get("a")
    assert loaded.similar("a") == small.similar("a")  # aliases saved too
    assert loaded.page("a") == small.page("a")
    loaded.add({"id": "z", "title": "Nouveau", "body": "Texte."})
    assert "z" in loaded and "z" not in small
    small.save(str(path))  # str paths too; overwrites atomically
    assert len(connexe.Index.load(str(path))) == len(small)


def test_load_with_page_config(corpus_index, tmp_path):
    path = tmp_path / "corpus.connexe"
    corpus_index.save(path)
    loaded = connexe.Index.load(path, page_config={"go_further": {"count": 3}})
    assert len(loaded.page("fra-dev-0173")["go_further"]) == 3
    assert connexe.Index.load(path).page("fra-dev-0173") == corpus_index.page("fra-dev-0173")


def _qrels_of_top1(index: connexe.Index, ids: List[str], path) -> None:
    lines = [f"{q}\t{index.similar(q, 1)[0]['id']}\t1\n" for q in ids]
    path.write_text("".join(lines), encoding="utf-8")


def test_evaluate(corpus_index, corpus_path, corpus, tmp_path):
    qrels = tmp_path / "qrels.tsv"
    ids = [a["id"] for a in corpus[:20]]
    _qrels_of_top1(corpus_index, ids, qrels)
    report = connexe.evaluate(corpus_path, qrels)
    assert report == pytest.approx({"queries": 20, "ndcg@5": 1.0, "p@5": 0.2, "mrr": 1.0, "map": 1.0})
    report = connexe.evaluate(str(corpus_path), qrels=str(qrels), k=2)
    assert set(report) == {"queries", "ndcg@2", "p@2", "mrr", "map"}
    assert report["p@2"] == pytest.approx(0.5)


def test_evaluate_with_config_and_aliases(corpus_path, corpus, tmp_path):
    qrels = tmp_path / "qrels.tsv"
    qrels.write_text("fra-dev-0173\tfra-dev-0180\t1\nfra-dev-0000\tfra-dev-0006\t1\n")
    plain = connexe.evaluate(corpus_path, qrels)
    same = connexe.evaluate(corpus_path, qrels, config={}, aliases={})
    assert plain == same
    other = connexe.evaluate(corpus_path, qrels, config={"index": {"weights": {"text": 0.1, "entities": 1.0}}})
    assert other["queries"] == 2


def test_evaluate_warns_on_repeated_ids(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        '{"id": "a", "title": "Rome", "body": "La coalition à Rome."}\n'
        '{"id": "a", "title": "Rome (mis à jour)", "body": "La coalition se réunit à Rome."}\n'
        '{"id": "b", "title": "Rome encore", "body": "La coalition à Rome, encore."}\n'
    )
    qrels = tmp_path / "q.tsv"
    qrels.write_text("a\tb\t1\n")
    with pytest.warns(UserWarning, match=r"c\.jsonl: line 2"):
        report = connexe.evaluate(corpus, qrels)
    assert report["queries"] == 1 and report["mrr"] == 1.0


SHARED = Path(__file__).resolve().parents[4] / "shared" / "eval" / "masakhanews-fr"


@pytest.mark.skipif(not (SHARED / "qrels.tsv").exists(), reason="../shared/eval is absent")
def test_evaluate_on_the_shared_judgments():
    """The README's figure for connexe on masakhanews-fr (nDCG@5 0.726), within rounding."""
    report = connexe.evaluate(SHARED / "corpus.jsonl", SHARED / "qrels.tsv", k=5)
    assert report["queries"] > 0
    assert report["ndcg@5"] == pytest.approx(0.726, abs=0.0051)


def test_version():
    assert connexe.__version__ == "0.1.0"


def test_package_docstring_example():
    import doctest

    failures, tried = doctest.testmod(connexe, verbose=False)
    assert tried > 0 and failures == 0
