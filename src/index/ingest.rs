//! How articles get into the index and out of it: one at a time (add, update, upsert,
//! remove), many at once on every core (add_many, build), or streamed from JSON Lines
//! (from_jsonl), all through one pipeline that prepares a chunk of articles while it inserts
//! the one before. What an article becomes is `prepare`'s; where it is stored, `store`'s.

use std::io::BufRead;

use hashbrown::HashSet;

use super::prepare::Analyzers;
use super::prepare::{self, Prepared};
use super::store::{Contents, Resolved};
use super::{Index, IndexConfig};
use crate::article::Article;
use crate::entity::AliasTable;
use crate::error::{Error, Result, quoted};
use crate::jsonl::{JsonlReader, Lines, Repeats, Warning};

/// How many articles [`Index::add_many`] queues before analysing and indexing them (on every
/// core, [`PIPELINE_CHUNK`] at a time): it bounds the memory of queued articles.
const BATCH: usize = 2048;

/// How many articles are inserted while the next as many are analysed: small enough that the
/// last chunk, inserted alone, costs little, and that a stream holds few articles at once;
/// large enough that the pauses between chunks, where one thread reads lines and interns new
/// words, are few (1,024 took 3 to 7 % off a build against 256).
const PIPELINE_CHUNK: usize = 1024;

/// What preparing an article reads of the index.
#[derive(Clone, Copy)]
pub(super) struct Preparer<'i> {
    config: &'i IndexConfig,
    aliases: &'i AliasTable,
    analyzers: &'i Analyzers,
    known: prepare::Vocabularies<'i>,
}

impl Preparer<'_> {
    /// What `add`, `update` and `upsert` check before they change anything.
    fn check(&self, article: &Article) -> Result<()> {
        article.validate()?;
        self.config.limits.check(article)
    }

    fn prepare(&self, article: Article) -> Prepared {
        prepare::prepare(
            article,
            self.config.default_language,
            &self.config.fields,
            self.analyzers,
            self.aliases,
            self.known,
        )
    }
}

impl Index {
    /// Upserts the articles in order, [checked](Preparer::check) first when `check` is set.
    ///
    /// # Errors
    /// The first article that fails the check. The index then holds only some of the
    /// articles before it: callers that build an index drop it.
    pub(super) fn upsert_articles(
        &mut self,
        articles: impl Iterator<Item = Article>,
        check: bool,
    ) -> Result<()> {
        // Fused: asked again after its end, an iterator may not stay ended.
        let mut articles = articles.fuse();
        self.upsert_stream(
            Vec::with_capacity(PIPELINE_CHUNK),
            |chunk: &mut Vec<Article>| {
                chunk.extend(articles.by_ref().take(PIPELINE_CHUNK));
                Ok(!chunk.is_empty())
            },
            |preparer, chunk| {
                use rayon::prelude::*;
                chunk
                    .par_drain(..)
                    .map(|article| {
                        if check {
                            preparer.check(&article).map_err(|e| e.in_article(&article.id))?;
                        }
                        Ok(Some((0, preparer.prepare(article))))
                    })
                    .collect()
            },
            |_, _| {},
        )
    }

    /// Upserts, in order, the articles of a stream of chunks: `fill` fills `chunk` with the
    /// next items (`false` when there are none left; it is not called again), and `make`
    /// prepares their articles on every core, each with a number for `accept` (`None` for an
    /// item without one, such as a blank line). A chunk is made and prepared while the one before it is inserted, with no
    /// pause between batches; `accept` sees the articles in order.
    ///
    /// # Errors
    /// The first error in item order, of `fill` or of `make`. The index then holds only
    /// some of the articles before it: callers that build an index drop it.
    fn upsert_stream<C: Send>(
        &mut self,
        mut chunk: C,
        mut fill: impl FnMut(&mut C) -> Result<bool>,
        make: impl Fn(&Preparer<'_>, &mut C) -> Vec<Result<Option<(u64, Prepared)>>> + Sync,
        mut accept: impl FnMut(u64, &Article),
    ) -> Result<()> {
        let mut ready: Vec<Resolved> = Vec::new();
        let mut ended = false;
        loop {
            // Not asked again once it has said there is nothing left.
            let more = !ended && fill(&mut chunk)?;
            ended = !more;
            if ended && ready.is_empty() {
                return Ok(());
            }
            let (preparer, mut contents) = self.split();
            let (prepared, ()) = rayon::join(
                || {
                    if more {
                        make(&preparer, &mut chunk)
                    } else {
                        Vec::new()
                    }
                },
                || ready.drain(..).for_each(|r| contents.upsert(r)),
            );
            // Interned in article order, before the next chunk is prepared: the same ids as
            // inserting one article at a time.
            for item in prepared {
                if let Some((n, p)) = item? {
                    accept(n, &p.article);
                    ready.push(self.resolve(p));
                }
            }
        }
    }

    /// Upserts checked articles in order, analysing them on all cores first.
    fn upsert_batch(&mut self, articles: Vec<Article>) {
        self.upsert_articles(articles.into_iter(), false)
            .expect("checked articles are prepared without error");
    }

    /// See [`Preparer::check`].
    fn check(&self, article: &Article) -> Result<()> {
        self.preparer().check(article)
    }

    /// [`Index::check`], and that the id is new: neither indexed nor `pending` (the ids of
    /// articles about to be added with it).
    fn check_new(&self, article: &Article, pending: impl Fn(&str) -> bool) -> Result<()> {
        self.check(article)?;
        if self.contains(&article.id) || pending(&article.id) {
            return Err(Error::input(format!(
                "article id {} is already indexed; update or upsert it instead",
                quoted(&article.id)
            )));
        }
        Ok(())
    }

    /// Upserts the articles of a JSON Lines stream, read a bounded chunk of lines at a time
    /// (the file is never held whole), and returns the reader's warnings. `progress` gets
    /// the bytes read.
    ///
    /// # Errors
    /// As [`Corpus::from_jsonl`](crate::Corpus::from_jsonl). The index then holds only some
    /// of the articles before the error: callers that build an index drop it.
    pub(super) fn upsert_jsonl<R: BufRead>(
        &mut self,
        reader: JsonlReader<R>,
        mut progress: impl FnMut(u64),
    ) -> Result<Vec<Warning>> {
        let mut reader = reader.max_line_bytes(self.config.limits.max_json_line_bytes());
        let mut repeats = Repeats::default();
        // Lines are read on this thread, then parsed, checked and analysed on every core.
        self.upsert_stream(
            Lines::default(),
            |lines| {
                let more = reader.next_chunk(lines, PIPELINE_CHUNK)?;
                if more {
                    progress(reader.bytes_read());
                }
                Ok(more)
            },
            |preparer, lines| {
                lines.parse(|article| {
                    preparer.check(&article)?;
                    Ok(preparer.prepare(article))
                })
            },
            |line, article| repeats.note(&article.id, line),
        )?;
        repeats.finish()
    }

    /// Adds a new article.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the article is invalid, over the
    /// [`Limits`](super::Limits), or its id is
    /// already indexed (use [`Index::update`] or [`Index::upsert`]); the index is unchanged.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, ErrorKind, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Rome", "La coalition se réunit à Rome."))?;
    /// let again = index.add(Article::new("a", "Rome", "Encore.")).unwrap_err();
    /// assert_eq!(again.kind(), ErrorKind::Input);
    /// let empty = index.add(Article::new("b", "", "")).unwrap_err();
    /// assert_eq!(empty.field(), Some("title"));
    /// assert_eq!(index.len(), 1);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn add(&mut self, article: Article) -> Result<()> {
        self.check_new(&article, |_| false)?;
        let prepared = self.prepare(article);
        self.insert(prepared);
        Ok(())
    }

    /// Adds new articles, analysing them on every core: the index that [`Index::add`] of
    /// each in turn would give, in less time.
    ///
    /// # Errors
    /// As [`Index::add`], for the first article that cannot be added (an id already indexed
    /// includes one earlier in `articles`). The articles before it are added (so
    /// [`Index::len`] grew by their number); it and those after it are not.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add_many([
    ///     Article::new("a", "Rome", "La coalition se réunit à Rome."),
    ///     Article::new("b", "Rabat", "Le Maroc reçoit la coalition."),
    /// ])?;
    /// let again = index.add_many([Article::new("c", "Rome", "Rome."), Article::new("a", "Rome", "Rome.")]);
    /// assert!(again.unwrap_err().to_string().contains("already indexed"));
    /// assert_eq!(index.len(), 3); // "c" was added before the error
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn add_many(&mut self, articles: impl IntoIterator<Item = Article>) -> Result<()> {
        let articles = articles.into_iter();
        let mut batch = Vec::with_capacity(articles.size_hint().0.min(BATCH));
        let mut batch_ids: HashSet<String> = HashSet::new();
        for article in articles {
            if let Err(e) = self.check_new(&article, |id| batch_ids.contains(id)) {
                self.upsert_batch(batch);
                return Err(e);
            }
            batch_ids.insert(article.id.clone());
            batch.push(article);
            if batch.len() == BATCH {
                self.upsert_batch(std::mem::take(&mut batch));
                batch_ids.clear();
            }
        }
        self.upsert_batch(batch);
        Ok(())
    }

    /// Replaces the article with the same id, returning the old one.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when no article has that id,
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the article is invalid; the index
    /// is unchanged.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, ErrorKind, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Rome", "La coalition se réunit."))?;
    /// let old = index.update(Article::new("a", "Rome (mis à jour)", "La coalition s'est réunie."))?;
    /// assert_eq!(old.title, "Rome");
    /// assert_eq!(index.get("a").unwrap().title, "Rome (mis à jour)");
    /// let unknown = index.update(Article::new("zz", "Rome", "Rome.")).unwrap_err();
    /// assert_eq!(unknown.kind(), ErrorKind::UnknownId);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn update(&mut self, article: Article) -> Result<Article> {
        self.check(&article)?;
        if !self.contains(&article.id) {
            return Err(Error::unknown_id(&article.id));
        }
        let prepared = self.prepare(article);
        let old = self.remove(&prepared.article.id)?;
        self.insert(prepared);
        Ok(old)
    }

    /// Adds the article, or replaces the one with the same id; returns the replaced one.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the article is invalid; the index
    /// is unchanged.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// assert!(index.upsert(Article::new("a", "Rome", "Publié."))?.is_none()); // added
    /// let replaced = index.upsert(Article::new("a", "Rome", "Corrigé."))?;
    /// assert_eq!(replaced.unwrap().body, "Publié.");
    /// assert_eq!(index.len(), 1);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn upsert(&mut self, article: Article) -> Result<Option<Article>> {
        if self.contains(&article.id) {
            self.update(article).map(Some)
        } else {
            self.add(article).map(|()| None)
        }
    }

    /// Removes the article with this id and returns it.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when no article has that id.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Inflation record", "L'inflation atteint un record."))?;
    /// index.add(Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE."))?;
    /// assert_eq!(index.remove("b")?.title, "La BCE et l'inflation"); // unpublished
    /// assert!(index.similar("a", 5)?.is_empty());
    /// assert!(index.remove("b").is_err());
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn remove(&mut self, id: &str) -> Result<Article> {
        self.split().1.remove(id)
    }

    fn prepare(&self, article: Article) -> Prepared {
        self.preparer().prepare(article)
    }

    /// What preparing an article reads.
    fn preparer(&self) -> Preparer<'_> {
        Preparer {
            config: &self.config,
            aliases: &self.aliases,
            analyzers: &self.analyzers,
            known: prepare::Vocabularies {
                terms: &self.terms,
                surfaces: &self.surfaces,
            },
        }
    }

    /// What preparing an article reads, and apart from it what inserting one changes.
    pub(super) fn split(&mut self) -> (Preparer<'_>, Contents<'_>) {
        let Index {
            config,
            aliases,
            analyzers,
            terms,
            surfaces,
            docs,
            free,
            slots,
            term_postings,
            entities,
            entity_postings,
            learned,
            derived,
        } = self;
        let preparer = Preparer {
            config,
            aliases,
            analyzers,
            known: prepare::Vocabularies { terms, surfaces },
        };
        let contents = Contents {
            docs,
            free,
            slots,
            term_postings,
            entities,
            entity_postings,
            learned,
            derived,
        };
        (preparer, contents)
    }

    /// The prepared article with the ids of its new texts, interned in term order.
    fn resolve(&mut self, mut p: Prepared) -> Resolved {
        let terms = &mut p.terms;
        for (surface, at, text) in terms.new.drain(..) {
            if surface {
                terms.surfaces[at as usize] = self.surfaces.intern(&text);
            } else {
                terms.ids[at as usize].0 = self.terms.intern(&text);
            }
        }
        Resolved(p)
    }

    fn insert(&mut self, p: Prepared) {
        let resolved = self.resolve(p);
        self.split().1.insert(resolved);
    }
}
