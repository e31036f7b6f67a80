"""Errors: one base class, a subclass per kind, the core's message naming field and value."""

from __future__ import annotations

import datetime as dt
import errno

import pytest

import connexe
from connexe import ConfigError, ConnexeError, ConnexeIOError, InputError, UnknownIdError

OK = {"id": "a", "title": "Titre", "body": "Corps."}


def test_hierarchy():
    for cls in (InputError, UnknownIdError, ConfigError, ConnexeIOError):
        assert issubclass(cls, ConnexeError)
    assert issubclass(ConnexeError, Exception)
    assert issubclass(InputError, ValueError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(UnknownIdError, KeyError)
    assert issubclass(ConnexeIOError, OSError)


@pytest.mark.parametrize(
    "article, field, message",
    [
        ({"title": "T", "body": "B"}, "id", "field `id`: missing"),
        ({"id": "a", "body": "B"}, "title", "field `title`: missing"),
        ({"id": "a", "title": "T"}, "body", "field `body`: missing"),
        ({"id": "  ", "title": "T", "body": "B"}, "id", "field `id`: must not be empty"),
        (dict(OK, title=42), "title", 'field `title`: expected a string, got a number "42"'),
        (dict(OK, body=["x"]), "body", "field `body`: expected a string, got an array"),
        (dict(OK, tags="Maroc"), "tags", "field `tags`: expected an array of strings, got a string"),
        (dict(OK, tags=["Maroc", 3]), "tags", "field `tags`: item 1: expected a string, got a number"),
        (dict(OK, published="28/06"), "published", 'expected RFC 3339 or YYYY-MM-DD, got "28/06"'),
        (dict(OK, published=20210628), "published", "field `published`: expected a string, got a number"),
        (dict(OK, lang="xx"), "lang", 'field `lang`: unknown language code "xx"'),
        (dict(OK, tags={"Maroc"}), "tags", "field `tags`: expected a str, int, float, bool, None, list, tuple, dict, date or datetime, got set"),
        (dict(OK, title=b"T"), "title", "got bytes"),
        (dict(OK, published=dt.datetime(2021, 6, 28)), "published", "without tzinfo"),
        (dict(OK, lead=float("nan")), "lead", "field `lead`: expected a finite number, got NaN"),
    ],
)
def test_bad_articles(article, field, message):
    index = connexe.Index()
    with pytest.raises(InputError) as info:
        index.add(article)
    assert message in str(info.value)
    assert info.value.field == field
    assert len(index) == 0


@pytest.mark.parametrize("value", ["a string", ["a", "list"], None, 42, b"bytes"])
def test_not_an_article(value):
    with pytest.raises(InputError, match="expected an article"):
        connexe.Index().add(value)


def test_an_attribute_that_raises_propagates():
    class Broken:
        id = "a"
        title = "T"

        @property
        def body(self):
            raise RuntimeError("database is gone")

    with pytest.raises(RuntimeError, match="database is gone"):
        connexe.Index().add(Broken())


def test_object_missing_an_attribute():
    class Partial:
        id = "a"
        body = "B"

    with pytest.raises(InputError, match="field `title`: missing"):
        connexe.Index().add(Partial())


def test_duplicate_add():
    index = connexe.Index()
    index.add(OK)
    with pytest.raises(InputError, match='article id "a" is already indexed; update or upsert it instead'):
        index.add(OK)


def test_add_many_names_the_item_and_keeps_earlier_ones():
    index = connexe.Index()
    items = [dict(OK, id="a"), dict(OK, id="b"), dict(OK, id="c", title=""), dict(OK, id="d")]
    with pytest.raises(InputError, match=r"^item 2: field `title`: must not be empty$") as info:
        index.add_many(items)
    assert info.value.field == "title"
    assert "a" in index and "b" in index and "c" not in index and "d" not in index

    with pytest.raises(InputError, match=r'^item 1: article id "b" is already indexed'):
        connexe.Index().add_many([dict(OK, id="b"), dict(OK, id="b")])

    with pytest.raises(InputError, match=r"^item 0: field `tags`: .*got set$"):
        connexe.Index().add_many([dict(OK, tags={"x"})])


def test_add_many_numbers_items_across_its_chunks():
    index = connexe.Index()
    items = [dict(OK, id=f"a{i}") for i in range(600)] + [dict(OK, id="a3"), dict(OK, id="z")]
    with pytest.raises(InputError, match=r'^item 600: article id "a3" is already indexed'):
        index.add_many(items)
    assert len(index) == 600 and "z" not in index


def test_add_many_propagates_the_iterators_error():
    def articles():
        yield dict(OK, id="a")
        raise RuntimeError("feed broke")

    index = connexe.Index()
    with pytest.raises(RuntimeError, match="feed broke"):
        index.add_many(articles())
    assert "a" in index


def test_unknown_ids(small):
    for call in (
        lambda: small.similar("nope"),
        lambda: small.page("nope"),
        lambda: small.page_json("nope"),
        lambda: small.page_html("nope"),
        lambda: small.remove("nope"),
        lambda: small.update(dict(OK, id="nope")),
    ):
        with pytest.raises(UnknownIdError) as info:
            call()
        assert str(info.value) == 'unknown article id "nope"'  # not quoted as a KeyError would
    with pytest.raises(KeyError):
        small.remove("nope")


def test_wrong_argument_types_are_type_errors(small):
    with pytest.raises(TypeError):
        small.similar(42)
    with pytest.raises(TypeError):
        small.add_many(42)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"config": {"index": {"weights": {"text": -1}}}}, "weight `text` must be a finite number >= 0, got -1"),
        ({"config": {"idx": {}}}, "unknown field `idx`"),
        ({"config": {"page": {"go_further": {"count": 9}}}}, "go_further.count"),
        ({"config": {"index": {"weights": {"text": float("inf")}}}}, "config: index: weights: text: expected a finite number"),
        ({"config": ["not", "a", "dict"]}, "config: expected a dict, got list"),
        ({"aliases": {"Daech": "EI"}}, 'alias table: "Daech": expected a list of strings'),
        ({"aliases": {"Daech": ["EI"], "ISIS": ["EI"]}}, "EI"),
    ],
)
def test_bad_configuration(kwargs, message):
    with pytest.raises(ConfigError) as info:
        connexe.Index(**kwargs)
    assert message in str(info.value)


def test_bad_page_config(small):
    with pytest.raises(ConfigError, match="page config"):
        small.page("a", {"go_further": {"chronology": "sometimes"}})
    with pytest.raises(ConfigError, match="unknown field `page`"):
        small.page("a", {"page": {}})  # page() takes the page part itself


def test_unknown_language():
    with pytest.raises(InputError, match='unknown language code "xx"; supported: '):
        connexe.Index(language="xx")


def test_io_errors(small, tmp_path):
    missing = tmp_path / "missing.connexe"
    with pytest.raises(ConnexeIOError) as info:
        connexe.Index.load(missing)
    assert str(missing) in str(info.value)
    assert info.value.errno == errno.ENOENT
    assert isinstance(info.value, OSError)

    with pytest.raises(ConnexeIOError):
        small.save(tmp_path / "no" / "such" / "dir" / "x.connexe")


def test_corrupt_index_file(tmp_path):
    for content, message in [(b"", "empty"), (b"not an index at all", "not a connexe index")]:
        path = tmp_path / "bad.connexe"
        path.write_bytes(content)
        with pytest.raises(InputError, match=message) as info:
            connexe.Index.load(path)
        assert str(path) in str(info.value)


def test_evaluate_errors(corpus_path, tmp_path):
    qrels = tmp_path / "q.tsv"
    qrels.write_text("fra-dev-0000\tfra-dev-0001\t1\n")
    with pytest.raises(ConnexeIOError, match="nope.jsonl"):
        connexe.evaluate(tmp_path / "nope.jsonl", qrels)
    with pytest.raises(ConnexeIOError, match="nope.tsv"):
        connexe.evaluate(corpus_path, tmp_path / "nope.tsv")

    qrels.write_text("fra-dev-0000\tfra-dev-0001\n")
    with pytest.raises(InputError, match=r"q\.tsv: line 1: expected `query_id<TAB>doc_id<TAB>grade`, got 2 fields") as info:
        connexe.evaluate(corpus_path, qrels)
    assert info.value.line == 1

    qrels.write_text("fra-dev-0000\tfra-dev-0001\t1\nfra-dev-0000\tghost\t1\n")
    with pytest.raises(InputError, match=r'line 2: unknown article id "ghost"'):
        connexe.evaluate(corpus_path, qrels)

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "title": "T", "body": "B"}\n{"id": "b", "body": "B"}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl: line 2: field `title`: missing") as info:
        connexe.evaluate(bad, qrels)
    assert (info.value.line, info.value.field) == (2, "title")
