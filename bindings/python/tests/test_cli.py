"""The binding gives what the Rust CLI gives, on the bundled corpus with the same settings.

The CLI runs from the repository root as `cargo run --release --quiet -- ...` (rebuilt when
src/ changed, so both sides run the same core); `page --corpus` uses no alias table unless
given `--aliases` (unlike `demo`, which uses the bundled one).
"""

from __future__ import annotations

import json

import pytest

import connexe

CORPUS = "data/masakhanews-fr/corpus.jsonl"
ALIASES = "data/aliases-fr.json"


@pytest.mark.parametrize("id", ["fra-dev-0173", "fra-dev-0007"])
def test_page_json_equals_the_cli(cli, corpus_index, id):
    expected = json.loads(cli("page", "--corpus", CORPUS, "--id", id, "--format", "json"))
    assert corpus_index.page(id) == expected
    assert json.loads(corpus_index.page_json(id)) == expected


def test_page_html_equals_the_cli(cli, corpus_index):
    expected = cli("page", "--corpus", CORPUS, "--id", "fra-dev-0173", "--format", "html")
    assert corpus_index.page_html("fra-dev-0173") == expected


def test_recommend_equals_similar(cli, corpus_index):
    expected = json.loads(cli("recommend", "--corpus", CORPUS, "--id", "fra-dev-0173", "--k", "8", "--format", "json"))
    assert corpus_index.similar("fra-dev-0173", k=8) == expected


def test_config_and_aliases_as_the_cli_reads_them(cli, corpus, corpus_path, tmp_path):
    config = {
        "index": {"weights": {"entities": 0.3}, "retrieval": {"query_terms": 48}},
        "page": {"go_further": {"count": 5, "chronology": "ignore"}, "you_may_like": {"lambda": 0.5}},
    }
    path = tmp_path / "connexe.json"
    path.write_text(json.dumps(config))
    aliases_path = corpus_path.parents[1] / "aliases-fr.json"
    aliases = json.loads(aliases_path.read_text(encoding="utf-8"))

    expected = json.loads(
        cli("page", "--corpus", CORPUS, "--id", "fra-dev-0173", "--format", "json",
            "--config", str(path), "--aliases", ALIASES)
    )
    index = connexe.Index(config=config, aliases=aliases)
    index.add_many(corpus)
    assert index.page("fra-dev-0173") == expected
