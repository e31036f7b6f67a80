"""connexe in a Python CMS: related articles computed when an article is published.

A Django site would connect `RelatedArticles.post_save` and `.post_delete` to its model's
`post_save` / `post_delete` signals (in `AppConfig.ready()`), keep the cache in
`django.core.cache`, and render the blocks in its templates. Here the model is a dataclass and
the signals are called by hand, so the script runs without Django:

    python examples/python/django_related.py [corpus.jsonl]

(from the repository root, with the binding installed: `bindings/python/test.sh` builds it
into `bindings/python/.venv`). It indexes the bundled French corpus as the site's archive,
restarts from the saved index, publishes, edits and unpublishes a few articles, and prints
what happened.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import connexe

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "masakhanews-fr" / "corpus.jsonl"
PARIS = dt.timezone(dt.timedelta(hours=1), "CET")

# The site's settings for connexe: the same shape as connexe's configuration file.
CONNEXE_CONFIG: Dict[str, Any] = {
    "index": {"weights": {"recency_half_life_days": 365}},
    "page": {"go_further": {"count": 4}, "you_may_like": {"count": 6}},
}


@dataclasses.dataclass
class Story:
    """The CMS's article model (a `models.Model` in Django), with the CMS's own field names."""

    pk: str
    headline: str
    standfirst: str
    text: str
    language: str
    published_at: Optional[dt.datetime] = None
    section: Optional[str] = None
    tags: List[str] = dataclasses.field(default_factory=list)
    status: str = "draft"

    def get_absolute_url(self) -> str:
        return f"/articles/{self.pk}/"


def to_connexe(story: Story) -> Dict[str, Any]:
    """The model as a connexe article (aware datetimes are accepted as they are)."""
    return {
        "id": story.pk,
        "title": story.headline,
        "lead": story.standfirst or None,
        "body": story.text,
        "url": story.get_absolute_url(),
        "published": story.published_at,
        "section": story.section,
        "tags": story.tags,
        "lang": story.language,
    }


class RelatedArticles:
    """Keeps the index in step with the CMS and caches each article's related blocks."""

    def __init__(self, index_path: Path, config: Dict[str, Any]) -> None:
        self.index_path = index_path
        if index_path.exists():
            # Index settings and aliases are in the file; the page settings are the site's.
            self.index = connexe.Index.load(index_path, page_config=config.get("page"))
        else:
            self.index = connexe.Index(language="fr", config=config)
        # story pk -> the page's blocks (in Django: django.core.cache, keyed "related:<pk>").
        self.cache: Dict[str, Dict[str, Any]] = {}

    # -- the management command that (re)builds the index from the archive
    def rebuild(self, stories: Iterable[Story]) -> int:
        added = self.index.add_many(to_connexe(s) for s in stories if s.status == "published")
        self.save()
        return added

    # -- signal receivers
    def post_save(self, sender: type, instance: Story, created: bool, **kwargs: Any) -> None:
        if instance.status != "published":
            self.post_delete(sender, instance)  # unpublished: off the site, off the index
            return
        self.index.upsert(to_connexe(instance))
        self.cache[instance.pk] = self.index.page(instance.pk)
        if not created:
            # Other pages show this story's old headline: recompute them when next viewed.
            self._forget_pages_showing(instance.pk)

    def post_delete(self, sender: type, instance: Story, **kwargs: Any) -> None:
        try:
            self.index.remove(instance.pk)
        except connexe.UnknownIdError:
            return
        self.cache.pop(instance.pk, None)
        self._forget_pages_showing(instance.pk)

    # -- what the article view calls
    def blocks(self, pk: str) -> Dict[str, Any]:
        """The page's blocks, from the cache or computed now (read-through)."""
        page = self.cache.get(pk)
        if page is None:
            page = self.cache[pk] = self.index.page(pk)
        return page

    def save(self) -> None:
        self.index.save(self.index_path)  # atomic: a crash leaves the previous file

    def _forget_pages_showing(self, pk: str) -> None:
        stale = [
            key
            for key, page in self.cache.items()
            if any(item["id"] == pk for block in ("read_also", "go_further", "you_may_like") for item in page[block])
        ]
        for key in stale:
            del self.cache[key]


def load_stories(path: Path) -> List[Story]:
    """The corpus as the CMS's stories, with made-up publication times a few hours apart."""
    start = dt.datetime(2023, 1, 2, 8, 0, tzinfo=PARIS)
    stories = []
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            row = json.loads(line)
            stories.append(
                Story(
                    pk=row["id"],
                    headline=row["title"],
                    standfirst=row.get("lead", ""),
                    text=row["body"],
                    language=row.get("lang", "fr"),
                    published_at=start + dt.timedelta(hours=9 * n),
                    status="published",
                )
            )
    return stories


def main(argv: List[str]) -> int:
    corpus = Path(argv[1]) if len(argv) > 1 else CORPUS
    stories = load_stories(corpus)
    archive, fresh = stories[:-11], stories[-11:]

    with tempfile.TemporaryDirectory() as var:
        index_path = Path(var) / "related.connexe"

        # 1. The archive, indexed once by a management command.
        t0 = time.perf_counter()
        added = RelatedArticles(index_path, CONNEXE_CONFIG).rebuild(archive)
        rebuild_s = time.perf_counter() - t0

        # 2. The web process starts from the saved index.
        t0 = time.perf_counter()
        related = RelatedArticles(index_path, CONNEXE_CONFIG)
        load_ms = 1000 * (time.perf_counter() - t0)

        # 3. Editors publish new stories: each save computes its page.
        timings = []
        for story in fresh:
            t0 = time.perf_counter()
            related.post_save(Story, story, created=True)
            timings.append(time.perf_counter() - t0)

        # 4. Readers view archive pages (read-through cache).
        for story in archive[:20]:
            related.blocks(story.pk)

        # 5. A headline is corrected; a story is unpublished.
        edited = fresh[0]
        edited.headline += " (mis à jour)"
        related.post_save(Story, edited, created=False)
        pulled = fresh[1]
        pulled.status = "draft"
        related.post_save(Story, pulled, created=False)
        related.save()

        reopened = connexe.Index.load(index_path)
        shown = fresh[2]
        page = related.blocks(shown.pk)
        print(f"archive: {added} stories indexed in {rebuild_s:.2f} s; index reloaded in {load_ms:.0f} ms")
        print(
            f"published {len(fresh)} stories: {1000 * sum(timings) / len(timings):.0f} ms each on average "
            f"(upsert + page), {1000 * max(timings):.0f} ms at most"
        )
        print(f"edited {edited.pk!r}, unpublished {pulled.pk!r}; {len(related.cache)} pages cached")
        print(f"saved index: {len(reopened)} stories, {pulled.pk!r} {'still' if pulled.pk in reopened else 'no longer'} in it")
        print(f"\n{shown.headline}  [{shown.pk}]")
        for link in page["read_also"]:
            print(f"  {page['labels']['read_also']} (after paragraph {link['after_paragraph']}): {link['title']}")
        for block in ("go_further", "you_may_like"):
            print(f"  {page['labels'][block]}:")
            for item in page[block]:
                print(f"    {item['score']:.3f}  {item['title']}  ({item.get('url', '')})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
