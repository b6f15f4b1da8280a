"""The reader on its own, as the issue's probe measured it: for each question of a set, its candidate
sentences (the answerer's own best 24 of the 8 best passages), ranked by retrieval order, by the answerer's
score, and by the reader:

- top1 / top3: share of answerable questions whose best (three best) sentence holds an expected fact;
- auc: how well the reader's best probability separates answerable from unanswerable questions (1 = fully);
- refusal recall at a false-refusal rate of 5% and 10%, from that best probability alone.

Run: `.venv/bin/python bench/reader_quality.py evals/vragen.yaml [--model path/to/reader.onnx]`. The held-out
part may be measured for the report, never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answering import composer  # noqa: E402
from assistant.config import make_settings  # noqa: E402
from assistant.evaluation.questionset import load_cases  # noqa: E402
from assistant.evaluation.scoring import fact_in, normalise  # noqa: E402
from assistant.factory import build_assistant  # noqa: E402
from assistant.reader import pair_text  # noqa: E402
from assistant.training.mining import CANDIDATES, HITS  # noqa: E402


def auc(positive: list[float], negative: list[float]) -> float:
    if not positive or not negative:
        return float("nan")
    p, n = np.array(positive), np.array(negative)
    wins = (p[:, None] > n[None, :]).sum() + 0.5 * (p[:, None] == n[None, :]).sum()
    return float(wins / (len(p) * len(n)))


def recall_at(unanswerable: list[float], answerable: list[float], rate: float) -> float:
    """Refuse below a cut-off on the best probability: the share of unanswerable questions refused when
    `rate` of the answerable ones are."""
    cut = float(np.quantile(answerable, rate)) if answerable else 0.0
    return float(np.mean([u < cut for u in unanswerable])) if unanswerable else float("nan")


def candidates(retriever: Any, question: str, filters: Any = None) -> list[Any]:
    """The sentences the reader reads for a question: the answerer's own best 24 of the 8 best passages."""
    retrieval = retriever.retrieve(question, filters, HITS)
    sentences = retriever.store.sentences([h.chunk for h in retrieval.hits])
    scored = composer.score_candidates(question, retrieval.query_vector, retrieval.hits, sentences)
    return [c for c in scored if composer.usable(c.text)][:CANDIDATES]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions")
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()
    reader = {"backend": "onnx", **({"model": args.model} if args.model else {})}
    assistant = build_assistant(make_settings(data_dir=ROOT / ".wibb", reader=reader))
    retriever, model = assistant.retriever, assistant.reader
    assert model is not None
    hits_at: dict[str, list[float]] = {"retrieval": [], "answerer": [], "reader": []}
    top3: dict[str, list[float]] = {k: [] for k in hits_at}
    best_answerable: list[float] = []
    best_unanswerable: list[float] = []
    for case in (c for c in load_cases(args.questions) if not c.turns):
        pool = candidates(retriever, case.question, case.filters)
        if not pool:
            continue
        passages = [pair_text(c.hit.chunk.heading_path, c.text) for c in pool]
        probabilities = model.score(case.question, passages)
        (best_answerable if case.answerable else best_unanswerable).append(float(probabilities.max()))
        if not case.answerable:
            continue
        orders = {
            "retrieval": sorted(pool, key=lambda c: (c.hit.rank, c.position)),
            "answerer": pool,
            "reader": [pool[i] for i in np.argsort(-probabilities, kind="stable")],
        }
        for name, order in orders.items():
            holds = [any(fact_in(normalise(c.text), fact) for fact in case.expect_facts) for c in order]
            hits_at[name].append(float(holds[0]))
            top3[name].append(float(any(holds[:3])))
    result = {
        "questions": args.questions,
        "answerable": len(best_answerable),
        "unanswerable": len(best_unanswerable),
        **{f"top1_{k}": round(float(np.mean(v)), 3) for k, v in hits_at.items()},
        **{f"top3_{k}": round(float(np.mean(v)), 3) for k, v in top3.items()},
        "auc": round(auc(best_answerable, best_unanswerable), 3),
        "refusal_recall_at_5pct_false": round(recall_at(best_unanswerable, best_answerable, 0.05), 3),
        "refusal_recall_at_10pct_false": round(recall_at(best_unanswerable, best_answerable, 0.10), 3),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
