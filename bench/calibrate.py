"""Calibrate the refusal decision on the TUNING part of the question set (evals/vragen.yaml) only.

Run: `.venv/bin/python bench/calibrate.py` (writes evals/calibration.json; ~2 minutes on 2 cores).

Procedure (the numbers it prints go into evals/README.md):
1. Every tuning case is answered once by the real `Assistant` with refusing switched off; the planner's
   signals (evidence, the asked kind of answer missing, years or names missing, unknown and rare words)
   are recorded, and the case is scored twice with `evaluation.scoring.score_case`: as answered and as
   refused. Absence refusals (a knowledge sentence saying the thing is not known) stay as they are.
2. For every minimum evidence t on a grid, a logistic rule over the signals is fitted (numpy, L2) to the
   cases at or above t; its cut-off is then chosen to maximise refusal_recall + answer_fact_recall
   - false_refusal_rate, among the cut-offs that keep false_refusal_rate at most 0.035.
3. Stratified 5-fold cross-validation: everything is chosen on four folds and scored on the fifth; the
   "cross-validated" figures pool the five. The final values are chosen on all tuning cases.
4. The held-out part (evals/vragen-achtergehouden.yaml) is never read here; its figures come from
   `wibb eval` with the chosen values.
Retrieval and composer constants keep the values of the first calibration (evals/README.md, "history").
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

from assistant import texts  # noqa: E402
from assistant.answering.answer import Answer  # noqa: E402
from assistant.answering.reading import mend  # noqa: E402
from assistant.answering.refusal import RefusalModel, Signals  # noqa: E402
from assistant.config import make_settings  # noqa: E402
from assistant.evaluation.questionset import Case, load_cases  # noqa: E402
from assistant.evaluation.runner import observe  # noqa: E402
from assistant.evaluation.scoring import score_case  # noqa: E402
from assistant.factory import build_assistant  # noqa: E402

K = 5
FOLDS = 5
MIN_EVIDENCE = np.round(np.arange(0.74, 0.96, 0.01), 2)
CUTOFFS = np.round(np.arange(0.20, 0.81, 0.02), 2)
L2 = 0.3
FRR_COST = 1.0
MAX_FRR = 0.035  # the target is 0.05 on the held-out part: room for cases the tuning part does not have
NAMES = (
    "kind_missing",
    "years_missing",
    "names_missing",
    "unknown",
    "rare_missing",
    "evidence_margin",
    "absence",
    "sentence_gap",
    "passage_gap",
    "count_apart",
    "members_missing",
)
READER = False  # set by --reader: one more signal, the reader's best probability
DROPPED: set[int] = set()  # signals left out (--ablate): their feature is held at 0, so its weight fits to 0


def log(message: str) -> None:
    print(f"[calibrate] {message}", file=sys.stderr, flush=True)


def features(s: Signals, min_evidence: float) -> np.ndarray:
    width = len(NAMES) + READER
    values = np.array(RefusalModel(min_evidence, weights=(0.0,) * width).features(s), dtype=float)
    values[list(DROPPED)] = 0.0
    return values


def record(cases: list[Case]) -> list[dict[str, Any]]:
    """Each case answered without refusing: its signals and its two score rows (answered, refused)."""
    reader = {"backend": "onnx" if READER else "none"}
    settings = make_settings(data_dir=ROOT / ".wibb", reader=reader)
    assistant = build_assistant(settings)
    planner = assistant.planner
    planner.refusal = RefusalModel(min_evidence=-1e9, bias=-1e9)  # never refuses on the signals
    rows = []
    for case in cases:
        query = planner.correct(mend(case.question))  # as Assistant.stream searches and reads it
        retrieval = assistant.retriever.retrieve(query, case.filters, assistant.retrieval_k)
        base = Answer(question=case.question, text="", retrieved=retrieval.hits, query=query,
                      timings_ms={})  # fmt: skip
        plan = planner.plan(case.question, query, retrieval, base)
        obs = observe(plan.answer, float("nan"))
        refused = replace(obs, answer=texts.NOT_IN_KNOWLEDGE, refused=True, citations=())
        rows.append(
            {
                "id": case.id,
                "answerable": case.answerable,
                "signals": plan.signals,
                "evidence": plan.answer.evidence,
                "absence": plan.answer.refused,  # refused although nothing was calibrated: absence
                "structured": plan.signals is None and not plan.answer.refused,
                "answered": score_case(case, obs, K).metrics,
                "as_refused": score_case(case, refused, K).metrics,
            }
        )
    return rows


def fit(x: np.ndarray, y: np.ndarray, steps: int = 3000, rate: float = 0.5) -> tuple[float, np.ndarray]:
    """Logistic regression by gradient descent, L2 on the weights (features are small and bounded)."""
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad_w = x.T @ (p - y) / len(y) + L2 * w / len(y)
        grad_b = float(np.mean(p - y))
        w -= rate * grad_w
        b -= rate * grad_b
    return b, w


def decide(rows: list[dict[str, Any]], t: float, b: float, w: np.ndarray, cut: float) -> np.ndarray:
    out = []
    for r in rows:
        if r["absence"]:
            out.append(True)
        elif r["structured"]:
            out.append(r["evidence"] < t - RefusalModel(t).route_margin)
        elif r["evidence"] < t:
            out.append(True)
        else:
            z = b + features(r["signals"], t) @ w
            out.append(1 / (1 + np.exp(-z)) >= cut)
    return np.array(out)


def metrics(rows: list[dict[str, Any]], refused: np.ndarray) -> dict[str, float]:
    def mean(name: str) -> float:
        values = [
            (r["as_refused"] if f else r["answered"]).get(name) for r, f in zip(rows, refused, strict=True)
        ]
        values = [v for v in values if v is not None]
        return float(np.mean(values)) if values else float("nan")

    names = ("refusal_recall", "false_refusal_rate", "refusal_accuracy", "answer_fact_recall",
             f"context_fact_recall@{K}", "citation_precision")  # fmt: skip
    return {name: round(mean(name), 4) for name in names}


def objective(m: dict[str, float]) -> float:
    """Refusing what is not there and answering what is, as long as wrong refusals stay rare."""
    if m["false_refusal_rate"] > MAX_FRR:
        return -np.inf
    return m["refusal_recall"] + m["answer_fact_recall"] - FRR_COST * m["false_refusal_rate"]


def choose(rows: list[dict[str, Any]]) -> dict[str, Any]:
    best: dict[str, Any] = {"objective": -np.inf}
    for t in MIN_EVIDENCE:
        train = [r for r in rows if not r["absence"] and not r["structured"] and r["evidence"] >= t]
        if len(train) < 10 or len({r["answerable"] for r in train}) < 2:
            continue
        x = np.vstack([features(r["signals"], t) for r in train])
        y = np.array([0.0 if r["answerable"] else 1.0 for r in train])
        b, w = fit(x, y)
        for cut in CUTOFFS:
            m = metrics(rows, decide(rows, t, b, w, cut))
            score = objective(m)
            if score > best["objective"] + 1e-9:
                best = {"objective": round(score, 4), "min_evidence": float(t), "cutoff": float(cut),
                        "bias": round(b, 4), "weights": [round(v, 4) for v in w], "metrics": m}  # fmt: skip
    return best


def folds(rows: list[dict[str, Any]]) -> np.ndarray:
    fold = np.zeros(len(rows), dtype=int)
    for answerable in (True, False):
        members = sorted((r["id"], i) for i, r in enumerate(rows) if r["answerable"] == answerable)
        for n, (_, i) in enumerate(members):
            fold[i] = n % FOLDS
    return fold


def cross_validate(rows: list[dict[str, Any]]) -> dict[str, float]:
    fold = folds(rows)
    pooled = np.zeros(len(rows), dtype=bool)
    for f in range(FOLDS):
        chosen = choose([r for r, g in zip(rows, fold, strict=True) if g != f])
        test_index = np.where(fold == f)[0]
        pooled[test_index] = decide([rows[i] for i in test_index], chosen["min_evidence"], chosen["bias"],
                                    np.array(chosen["weights"]), chosen["cutoff"])  # fmt: skip
    return metrics(rows, pooled)


def ablate(rows: list[dict[str, Any]]) -> None:
    """Which signals earn their place: the cross-validated figures with each one left out in turn."""
    names = (*NAMES, "answers") if READER else NAMES
    base = cross_validate(rows)
    print(f"{'all signals':<18} {base}  objective {objective(base):.4f}")
    for i, name in enumerate(names):
        DROPPED.clear()
        DROPPED.add(i)
        m = cross_validate(rows)
        print(f"{'without ' + name:<18} {m}  objective {objective(m):.4f}", flush=True)
    DROPPED.clear()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", nargs="?", default=str(ROOT / "evals" / "vragen.yaml"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--ablate", action="store_true", help="cross-validate with each signal left out")
    parser.add_argument("--reader", action="store_true", help="with the reader's probability as a signal")
    args = parser.parse_args()
    global READER
    READER = args.reader
    name = "calibration-reader.json" if READER else "calibration.json"
    args.out = args.out or str(ROOT / "evals" / name)
    if "achtergehouden" in args.questions:
        raise SystemExit("the held-out part is never calibrated on")
    started = time.perf_counter()
    cases = load_cases(args.questions)
    rows = record(cases)
    log(f"{len(rows)} cases answered in {time.perf_counter() - started:.0f} s")
    if args.ablate:
        ablate(rows)
        return
    fold = folds(rows)
    pooled = np.zeros(len(rows), dtype=bool)
    per_fold = []
    for f in range(FOLDS):
        train = [r for r, g in zip(rows, fold, strict=True) if g != f]
        test_index = np.where(fold == f)[0]
        chosen = choose(train)
        test = [rows[i] for i in test_index]
        pooled[test_index] = decide(test, chosen["min_evidence"], chosen["bias"], np.array(chosen["weights"]),
                                    chosen["cutoff"])  # fmt: skip
        per_fold.append({k: chosen[k] for k in ("min_evidence", "cutoff", "bias", "weights")})
        log(f"fold {f}: min_evidence {chosen['min_evidence']}, cutoff {chosen['cutoff']}")
    final = choose(rows)
    result = {
        "questions": str(Path(args.questions).relative_to(ROOT)),
        "cases": len(rows),
        "features": (*NAMES, "answers") if READER else NAMES,
        "chosen": {k: final[k] for k in ("min_evidence", "cutoff", "bias", "weights")},
        "in_sample": final["metrics"],
        "cross_validated": metrics(rows, pooled),
        "folds": per_fold,
    }
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
