"""Shared fixtures: the bundled corpus, indexes built from it, and the Rust CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

import connexe

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "data" / "masakhanews-fr" / "corpus.jsonl"
SHOWCASE = "fra-dev-0173"


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def corpus() -> List[Dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def corpus_index(corpus: List[Dict[str, Any]]) -> connexe.Index:
    """The bundled corpus with the default settings (read-only: do not modify)."""
    index = connexe.Index()
    index.add_many(corpus)
    return index


@pytest.fixture
def small() -> connexe.Index:
    index = connexe.Index(aliases={"Daech": ["État islamique", "EI"]})
    index.add_many(
        [
            {
                "id": "a",
                "title": "Le Maroc à la réunion de la coalition contre Daech",
                "body": "Nasser Bourita représente le Maroc à Rome, où la coalition contre Daech se réunit.\n\n"
                "La coalition veut contrer Daech en Afrique.\n\nLes travaux durent deux jours.",
                "published": "2021-06-28T09:30:00+02:00",
                "lang": "fr",
            },
            {
                "id": "b",
                "title": "L'EI menace l'Afrique, prévient le Maroc",
                "body": "Le Maroc appelle la coalition à mutualiser ses efforts contre l'EI en Afrique.",
                "published": "2021-06-27",
            },
            {"id": "c", "title": "Le Wydad champion du Maroc", "body": "Le club remporte le championnat."},
        ]
    )
    return index


def _cli_command() -> List[str]:
    """The release CLI: `cargo run --release` (rebuilt if src/ changed), else a built binary."""
    if shutil.which("cargo"):
        return ["cargo", "run", "--release", "--quiet", "--"]
    binary = REPO / "target" / "release" / "connexe"
    if binary.exists():
        return [str(binary)]
    pytest.skip("neither cargo nor target/release/connexe is available")


@pytest.fixture(scope="session")
def cli():
    """Runs the Rust CLI from the repository root and returns its stdout."""
    cache: Dict[tuple, str] = {}

    def run(*args: str) -> str:
        if args not in cache:
            done = subprocess.run(
                _cli_command() + list(args),
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=1800,
                env={**os.environ, "NO_COLOR": "1"},
            )
            assert done.returncode == 0, f"connexe {' '.join(args)} failed:\n{done.stderr}"
            cache[args] = done.stdout
        return cache[args]

    return run
