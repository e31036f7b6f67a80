"""Recommendation quality of connexe next to what a Python user gets, on every data set of an
evaluation folder laid out as ../shared/eval/README.md says (run through run.sh beside this file,
which sets up the pinned environment; see docs/quality.md).

Ranking sets (a folder with corpus.jsonl and qrels.tsv): nDCG@5, P@5, MRR and MAP over the
queries with a grade > 0, every other article of the corpus ranked, the query excluded.
Pair sets (corpus.jsonl and pairs.tsv): Pearson of each system's similarity against the human
`overall` column.

Peers, all on title + "\\n" + body:
  - scikit-learn TfidfVectorizer() with its defaults, cosine;
  - the same with Snowball stemming (PyStemmer, the corpus's language) and sublinear tf;
  - rank_bm25 BM25Okapi over the same stemmed tokens, the whole article as the query (for a
    pair, the score of id_b for id_a as the query);
  - tantivy 0.27 MoreLikeThis (benches/peers/tantivy_mlt: 64 query terms, min doc and term
    frequency 1, Snowball stemming), mean of 10 runs since its term choice is not deterministic;
    rankings only, English and French only.
connexe: `connexe eval --format json` on the same files (and, as a check of the metric code
here, its `--run` file scored by this script must give the same figures).

Ties in a peer's scores are broken by id (ascending), as connexe breaks them for undated
articles; articles a system does not return (tantivy: no shared query term) follow in id order.
"""

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import Stemmer
from rank_bm25 import BM25Okapi
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer

K = 5
RELEVANT = 0.5
MLT_RUNS = 10
SNOWBALL = {
    "ar": "arabic", "de": "german", "en": "english", "es": "spanish", "fr": "french",
    "it": "italian", "nl": "dutch", "pl": "polish", "pt": "portuguese", "ru": "russian",
    "tr": "turkish",
}
SYSTEMS = ["connexe", "sklearn", "sklearn+snowball", "bm25", "tantivy-mlt"]
HEADERS = {
    "connexe": "connexe (default)",
    "sklearn": "scikit-learn TF-IDF",
    "sklearn+snowball": "+ Snowball, sublinear tf",
    "bm25": "BM25Okapi",
    "tantivy-mlt": "tantivy MoreLikeThis",
}


# ---------------------------------------------------------------------------------------------
# Data


def read_corpus(path):
    articles = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                a = json.loads(line)
                articles.append(a)
    if not articles:
        sys.exit(f"error: {path}: no article")
    return articles


def text_of(article):
    return article.get("title", "") + "\n" + article.get("body", "")


def language(articles):
    langs = Counter(a.get("lang") for a in articles if a.get("lang"))
    return langs.most_common(1)[0][0] if langs else None


def read_qrels(path):
    """query -> {doc: grade}, in file order; a query judged against itself is left out."""
    qrels = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3:
                sys.exit(f"error: {path}: line {n}: expected 3 fields")
            q, d, g = (x.strip() for x in fields)
            if q != d:
                qrels.setdefault(q, {})[d] = float(g)
    return qrels


def read_pairs(path):
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    column = header.index("overall")
    return [(r[0], r[1], float(r[column])) for r in rows]


# ---------------------------------------------------------------------------------------------
# Metrics, defined as in ../shared/eval/README.md


def ndcg_at(ranked, grades, k):
    def dcg(gains):
        return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    best = dcg(sorted(grades, reverse=True))
    return dcg(ranked) / best if best > 0 else 0.0


def ranking_figures(rankings, qrels):
    """rankings: query -> every other article's id, best first."""
    sums = {"ndcg@5": 0.0, "p@5": 0.0, "mrr": 0.0, "map": 0.0}
    n = 0
    for q, judged in qrels.items():
        if not any(g > 0 for g in judged.values()):
            continue
        n += 1
        ranked = [judged.get(d, 0.0) for d in rankings[q]]
        grades = list(judged.values())
        sums["ndcg@5"] += ndcg_at(ranked, grades, K)
        sums["p@5"] += sum(1 for g in ranked[:K] if g >= RELEVANT) / K
        first = next((i for i, g in enumerate(ranked) if g >= RELEVANT), None)
        sums["mrr"] += 0.0 if first is None else 1.0 / (first + 1)
        relevant = sum(1 for g in grades if g >= RELEVANT)
        hits, ap = 0, 0.0
        for i, g in enumerate(ranked):
            if g >= RELEVANT:
                hits += 1
                ap += hits / (i + 1)
        sums["map"] += ap / relevant if relevant else 0.0
    figures = {key: value / n if n else 0.0 for key, value in sums.items()}
    figures["queries"] = n
    return figures


def rankings_from_scores(ids, scores, queries):
    """Each query's other articles by score descending, ties by id."""
    index = {d: i for i, d in enumerate(ids)}
    out = {}
    for q in queries:
        row = scores[index[q]]
        others = [i for i in range(len(ids)) if ids[i] != q]
        others.sort(key=lambda i: (-row[i], ids[i]))
        out[q] = [ids[i] for i in others]
    return out


def rankings_from_run(lines, ids, queries):
    """TREC run lines (one tag) -> rankings, completed with unlisted articles in id order."""
    listed = {}
    for line in lines:
        q, _, d, rank, _score, _tag = line.split()
        listed.setdefault(q, []).append((int(rank), d))
    out = {}
    for q in queries:
        ranked = [d for _, d in sorted(listed.get(q, []))]
        seen = set(ranked)
        ranked += sorted(d for d in ids if d != q and d not in seen)
        out[q] = ranked
    return out


# ---------------------------------------------------------------------------------------------
# The peers: an N x N similarity matrix each


def base_analyzer():
    return TfidfVectorizer().build_analyzer()


def stemmed_analyzer(lang):
    """scikit-learn's default tokens, stemmed by Snowball in the language (unstemmed without one)."""
    base = base_analyzer()
    name = SNOWBALL.get(lang)
    if name is None or name not in Stemmer.algorithms():
        print(f"   note: no Snowball stemmer for {lang!r}: words unstemmed", file=sys.stderr)
        return base
    stemmer = Stemmer.Stemmer(name)
    return lambda doc: stemmer.stemWords(base(doc))


def sklearn_scores(texts, analyzer=None):
    if analyzer is None:
        vectorizer = TfidfVectorizer()
    else:
        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    # Rows are L2-normalised: the dot product is the cosine.
    return (matrix @ matrix.T).toarray()


def bm25_scores(texts, analyzer):
    tokens = [analyzer(t) for t in texts]
    bm25 = BM25Okapi(tokens)
    return np.array([bm25.get_scores(query) for query in tokens])


def peer_scores(articles):
    texts = [text_of(a) for a in articles]
    stemmed = stemmed_analyzer(language(articles))
    return {
        "sklearn": sklearn_scores(texts),
        "sklearn+snowball": sklearn_scores(texts, stemmed),
        "bm25": bm25_scores(texts, stemmed),
    }


# ---------------------------------------------------------------------------------------------
# Running the systems


def run(cmd):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(map(str, cmd))} failed:\n{done.stderr}")
    return done.stdout


def connexe_ranking(connexe, corpus, qrels_path, ids, qrels):
    with tempfile.TemporaryDirectory() as tmp:
        run_file = Path(tmp) / "connexe.run"
        figures = json.loads(
            run([connexe, "eval", "--corpus", corpus, "--qrels", qrels_path, "--format", "json",
                 "--run", run_file])
        )
        lines = run_file.read_text(encoding="utf-8").splitlines()
    # The metric code here against connexe's own, on connexe's rankings.
    again = ranking_figures(rankings_from_run(lines, ids, qrels), qrels)
    for key in ("ndcg@5", "p@5", "mrr", "map"):
        if abs(again[key] - figures[key]) > 1e-4:  # the run file rounds scores to 6 decimals
            sys.exit(f"error: {key}: this script gives {again[key]:.6f} on connexe's run file, "
                     f"connexe says {figures[key]:.6f}: the metric definitions differ")
    return figures


def tantivy_ranking(tantivy, corpus, qrels_path, ids, qrels, lang):
    if lang not in ("en", "fr"):
        return None
    lines = run([tantivy, "rank", "--corpus", corpus, "--queries", qrels_path, "--lang", lang,
                 "--runs", str(MLT_RUNS)]).splitlines()
    by_run = {}
    for line in lines:
        by_run.setdefault(line.rsplit(" ", 1)[1], []).append(line)
    runs = [ranking_figures(rankings_from_run(ls, ids, qrels), qrels) for ls in by_run.values()]
    return {key: sum(r[key] for r in runs) / len(runs) for key in runs[0]}


def ranking_set(folder, args):
    corpus, qrels_path = folder / "corpus.jsonl", folder / "qrels.tsv"
    articles = read_corpus(corpus)
    ids = [a["id"] for a in articles]
    qrels = read_qrels(qrels_path)
    lang = language(articles)
    results = {"connexe": connexe_ranking(args.connexe, corpus, qrels_path, ids, qrels)}
    for name, scores in peer_scores(articles).items():
        results[name] = ranking_figures(rankings_from_scores(ids, scores, list(qrels)), qrels)
    results["tantivy-mlt"] = tantivy_ranking(args.tantivy, corpus, qrels_path, ids, qrels, lang)
    return results


def pairs_set(folder, args):
    corpus, pairs_path = folder / "corpus.jsonl", folder / "pairs.tsv"
    articles = read_corpus(corpus)
    index = {a["id"]: i for i, a in enumerate(articles)}
    pairs = read_pairs(pairs_path)
    human = [h for _, _, h in pairs]
    ours = json.loads(run([args.connexe, "eval", "--corpus", corpus, "--pairs", pairs_path,
                           "--format", "json"]))
    results = {"connexe": {"pearson": ours["overall"]["pearson"],
                           "spearman": ours["overall"]["spearman"], "pairs": ours["pairs"]}}
    for name, scores in peer_scores(articles).items():
        sims = [scores[index[a], index[b]] for a, b, _ in pairs]
        results[name] = {
            "pearson": float(np.corrcoef(sims, human)[0, 1]),
            "spearman": float(spearmanr(sims, human).statistic),
            "pairs": len(pairs),
        }
    results["tantivy-mlt"] = None
    return results


# ---------------------------------------------------------------------------------------------
# The table


def table(sets):
    rows = []
    for name, kind, results in sets:
        metrics = ["ndcg@5", "p@5", "mrr", "map"] if kind == "ranking" else ["pearson"]
        for metric in metrics:
            values = {s: (results[s] or {}).get(metric) for s in SYSTEMS}
            peers = [v for s, v in values.items() if s != "connexe" and v is not None]
            best = max(peers) if peers else None
            label = {"ndcg@5": "nDCG@5", "p@5": "P@5", "mrr": "MRR", "map": "MAP",
                     "pearson": "Pearson (overall)"}[metric]
            cells = []
            top = max(v for v in values.values() if v is not None)
            for s in SYSTEMS:
                v = values[s]
                cells.append("—" if v is None else (f"**{v:.3f}**" if v == top else f"{v:.3f}"))
            delta = "" if best is None else f"{values['connexe'] - best:+.3f}"
            rows.append(f"| {name} | {label} | " + " | ".join(cells) + f" | {delta} |")
    head = ("| data set | metric | " + " | ".join(HEADERS[s] for s in SYSTEMS)
            + " | connexe − best peer |")
    rule = "|---|---|" + "---:|" * (len(SYSTEMS) + 1)
    return "\n".join([head, rule] + rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("eval_dir", type=Path, help="the evaluation folder (../shared/eval)")
    parser.add_argument("--connexe", required=True, help="the connexe binary")
    parser.add_argument("--tantivy", required=True, help="the tantivy_mlt binary")
    parser.add_argument("--results", type=Path, help="a folder for the figures as JSON")
    args = parser.parse_args()

    sets = []
    for corpus in sorted(args.eval_dir.rglob("corpus.jsonl")):
        folder = corpus.parent
        name = folder.relative_to(args.eval_dir).as_posix()
        if (folder / "qrels.tsv").exists():
            print(f"== {name}: rankings", file=sys.stderr)
            sets.append((name, "ranking", ranking_set(folder, args)))
        elif (folder / "pairs.tsv").exists():
            print(f"== {name}: pairs", file=sys.stderr)
            sets.append((name, "pairs", pairs_set(folder, args)))
    if not sets:
        sys.exit(f"error: {args.eval_dir}: no folder with corpus.jsonl and qrels.tsv or pairs.tsv")
    # Rankings first, then pairs, each by name.
    sets.sort(key=lambda s: (s[1] != "ranking", s[0]))
    out = table(sets)
    print(out)
    if args.results:
        args.results.mkdir(parents=True, exist_ok=True)
        (args.results / "quality.json").write_text(
            json.dumps({name: results for name, _, results in sets}, indent=1) + "\n")
        (args.results / "table.md").write_text(out + "\n")


if __name__ == "__main__":
    main()
