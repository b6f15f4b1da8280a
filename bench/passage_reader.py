"""A passage reader beside the sentence reader: issue 21 asks to measure both kinds before choosing.

The shipped reader reads (question, sentence with its heading). This one reads (question, whole passage with
its heading) and says whether the passage answers the question: the no-answer judgement of SQuAD 2.0 readers,
without the span (the answerer quotes sentences, it does not cut spans). Whether a question can be answered
may be easier to tell from a whole passage than from its sentences one by one.

Three steps, each writing into .wibb/passage-reader/:

- `mine`: for each training question (training/questions, never a question set) the retriever's 5 best
  passages, what the answerer reads. A passage holding one of the case's evidence fragments answers; one that
  holds an expected fact without an evidence fragment is left out (it cannot be told); every other passage is
  a negative, the 3 best ranked kept. Evidence passages the retrieval missed are added as answering.
- `train`: the sentence reader's model and settings (`trainer.train`), 256 tokens (a passage is ~190).
- `measure SET`: for each single question of a set, the 5 best passages scored; the best probability
  separates answerable from unanswerable questions (AUC, refusal recall at 5% / 10% false refusals, as
  `bench/reader_quality.py` reports for the sentence reader, which is measured beside it, and for the mean of
  the two), and whether the passage it ranks first holds an expected fact (against retrieval's first). The
  held-out part may be measured for the report only.

Run: `.venv/bin/python bench/passage_reader.py mine`, `... train --epochs 2` (about an hour on 2 cores),
`... measure evals/vragen.yaml`. Needs the dev extras (torch, sentence-transformers).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader_quality import auc, candidates, recall_at  # noqa: E402

from assistant.config import make_settings  # noqa: E402
from assistant.core.documents import Chunk  # noqa: E402
from assistant.factory import build_assistant  # noqa: E402
from assistant.reader import pair_text  # noqa: E402
from assistant.training import data  # noqa: E402
from assistant.training.data import TrainingQuestion, fold  # noqa: E402
from assistant.training.mining import Pair  # noqa: E402

PASSAGES = 5  # the passages the answerer reads
NEGATIVES = 3  # kept per question, the best ranked first
MAX_TOKENS = 256
MIN_FACT = 3  # characters: a shorter expected fact in a passage says nothing about it
WORK = ROOT / ".wibb" / "passage-reader"


def passage_text(chunk: Chunk) -> str:
    return pair_text(chunk.heading_path, chunk.text)  # heading path and the whole passage


def label(text: str, question: TrainingQuestion) -> int | None:
    """1: holds an evidence fragment; None: holds an expected fact without one; 0: neither."""
    if not question.answerable:
        return 0
    folded = fold(text)
    if any(f and f in folded for f in map(fold, question.evidence)):
        return 1
    facts = (a for alternatives in question.facts for a in map(fold, alternatives))
    if any(len(a) >= MIN_FACT and a in folded for a in facts):
        return None
    return 0


def retriever() -> Any:
    settings = make_settings(data_dir=ROOT / ".wibb", reader={"backend": "none"})
    return build_assistant(settings).retriever


def mine(_args: argparse.Namespace) -> None:
    search = retriever()
    questions = data.read_questions(data.question_files(ROOT / "training" / "questions"))
    pairs: list[Pair] = []
    for question in questions:
        answering: dict[str, Pair] = {}
        negatives: list[Pair] = []
        for hit in search.retrieve(question.question, k=PASSAGES).hits:
            verdict = label(hit.chunk.text, question)
            if verdict is not None:
                chunk = hit.chunk
                pair = Pair(question.id, question.question, passage_text(chunk), verdict, chunk.doc.id)
                (answering.setdefault(pair.passage, pair) if verdict else negatives.append(pair))
        if question.evidence:  # what the retrieval missed
            for doc in question.sources:
                for chunk in search.document_chunks(doc):
                    if label(chunk.text, question) == 1:
                        pair = Pair(question.id, question.question, passage_text(chunk), 1, doc)
                        answering.setdefault(pair.passage, pair)
        pairs.extend([*answering.values(), *negatives[:NEGATIVES]])
    WORK.mkdir(parents=True, exist_ok=True)
    lines = (json.dumps(p.__dict__, ensure_ascii=False) + "\n" for p in pairs)
    (WORK / "pairs.jsonl").write_text("".join(lines), encoding="utf-8")
    print(f"{len(questions)} questions, {len(pairs)} pairs, {sum(p.label for p in pairs)} answering")


def train(args: argparse.Namespace) -> None:
    from assistant.embedding.e5export.export import cached_export
    from assistant.training.trainer import TrainSettings
    from assistant.training.trainer import train as fit

    lines = (WORK / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    pairs = [Pair(**json.loads(line)) for line in lines]
    settings = replace(TrainSettings(), epochs=args.epochs, max_tokens=MAX_TOKENS, pos_weight=args.pos_weight)
    started = time.monotonic()
    fit(pairs, cached_export(WORK / "base", progress=print), WORK / "model", settings, log_every=25)
    print(f"trained in {time.monotonic() - started:.0f} s")


def sentence_best(assistant: Any, question: str, filters: Any) -> float | None:
    """The sentence reader's best probability over its candidates, as `bench/reader_quality.py` takes it."""
    pool = candidates(assistant.retriever, question, filters)
    if not pool:
        return None
    passages = [pair_text(c.hit.chunk.heading_path, c.text) for c in pool]
    return float(assistant.reader.score(question, passages).max())


def separation(best: dict[bool, list[float]]) -> dict[str, float]:
    return {
        "auc": round(auc(best[True], best[False]), 3),
        "refusal_recall_at_5pct_false": round(recall_at(best[False], best[True], 0.05), 3),
        "refusal_recall_at_10pct_false": round(recall_at(best[False], best[True], 0.10), 3),
    }


def measure(args: argparse.Namespace) -> None:
    from sentence_transformers.cross_encoder import CrossEncoder

    from assistant.evaluation.questionset import load_cases
    from assistant.evaluation.scoring import fact_in, normalise

    model = CrossEncoder(str(WORK / "model"), device="cpu", max_length=MAX_TOKENS)
    assistant = build_assistant(make_settings(data_dir=ROOT / ".wibb", reader={"backend": "onnx"}))
    search = assistant.retriever
    best: dict[str, dict[bool, list[float]]] = {
        k: {True: [], False: []} for k in ("passage", "sentence", "both")
    }
    first: dict[str, list[bool]] = {"reader": [], "retrieval": []}
    for case in (c for c in load_cases(args.questions) if not c.turns):
        hits = search.retrieve(case.question, case.filters, PASSAGES).hits
        sentence = sentence_best(assistant, case.question, case.filters)
        if not hits or sentence is None:
            continue
        logits = np.asarray(model.predict([(case.question, passage_text(h.chunk)) for h in hits],
                                          activation_fn=None), dtype=float)  # fmt: skip
        probabilities = 1 / (1 + np.exp(-logits))
        passage = float(probabilities.max())
        for name, value in (("passage", passage), ("sentence", sentence), ("both", (passage + sentence) / 2)):
            best[name][case.answerable].append(value)
        if case.answerable:
            holds = [any(fact_in(normalise(h.chunk.text), f) for f in case.expect_facts) for h in hits]
            first["reader"].append(holds[int(np.argmax(probabilities))])
            first["retrieval"].append(holds[0])
    result = {
        "questions": args.questions,
        "answerable": len(best["passage"][True]),
        "unanswerable": len(best["passage"][False]),
        "top1_passage_reader": round(float(np.mean(first["reader"])), 3),
        "top1_passage_retrieval": round(float(np.mean(first["retrieval"])), 3),
        **{name: separation(values) for name, values in best.items()},
    }
    print(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("step", choices=["mine", "train", "measure"])
    parser.add_argument("questions", nargs="?", help="the question set to measure on")
    parser.add_argument("--epochs", type=float, default=2.0)
    parser.add_argument("--pos-weight", type=float, default=1.5, help="~1 passage in 5 answers")
    args = parser.parse_args()
    {"mine": mine, "train": train, "measure": measure}[args.step](args)


if __name__ == "__main__":
    main()
