"""Calibrate the refusal decision on the TUNING parts only: the questions (evals/vragen.yaml) and the turns of
the tuning conversations (evals/gesprekken.yaml).

Run: `.venv/bin/python bench/calibrate.py [--reader]` (writes evals/calibration[-reader].json; ~3 minutes on
2 cores).

Procedure (the numbers it prints go into evals/README.md):
1. Every question, and every turn of a conversation in its conversation, is answered once by the real
   `Assistant` with refusing switched off; the planner's signals (evidence, the asked kind of answer missing,
   years or names missing, unknown and rare words, ... and with --reader the reader's best probability) are
   recorded, and the case is scored twice with `evaluation.scoring.score_case`: as answered and as refused.
   Absence refusals (a knowledge sentence saying the thing is not known) stay as they are.
2. For every minimum evidence t on a grid, a logistic rule over the signals is fitted (numpy, L2) to the
   cases at or above t; its cut-off is then chosen to maximise refusal_recall + answer_fact_recall
   - false_refusal_rate, among the cut-offs that keep false_refusal_rate at most 0.035, on the questions
   (`--fit-on all`: on the questions and the turns; measured worse, evals/README.md); the turns are scored.
3. Stratified 5-fold cross-validation (a conversation's turns in one fold): everything is chosen on four
   folds and scored on the fifth; the "cross-validated" figures pool the five, also per part. The final
   values are chosen on all tuning cases.
4. `--ablate`: backward elimination of the signals on the cross-validated objective (which rules earn their
   place).
5. The held-out parts (evals/*-achtergehouden.yaml) are never read here; their figures come from
   `wibb eval` with the chosen values.
Retrieval and composer constants keep the values of the first calibration (evals/README.md, "history").
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant import texts  # noqa: E402
from assistant.answering.chat import Conversation  # noqa: E402
from assistant.answering.refusal import FEATURES, RefusalModel  # noqa: E402
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
READER_SIGNALS = ("answers", "lead_answers", "answers_top3")  # only with a reader (--reader)
NAMES: tuple[str, ...] = tuple(n for n in FEATURES if n not in READER_SIGNALS)  # weighed (--signals)
READER = False  # set by --reader: the reader answers, and its best probability is a signal
FIT_ON = "questions"  # set by --fit-on: the rows the rule is chosen on (evals/README.md: why the questions)
TOLERANCE = 0.002  # --ablate: a signal is removed when leaving it out costs at most this much objective
DROPPED: set[int] = set()  # signals left out (--ablate): their feature is held at 0, so its weight fits to 0


def log(message: str) -> None:
    print(f"[calibrate] {message}", file=sys.stderr, flush=True)


def record(cases: list[Case]) -> list[dict[str, Any]]:
    """Each question, and each turn of a conversation in its conversation, answered by the real assistant
    with refusing switched off: the plan's signals and two score rows (answered, refused)."""
    reader = {"backend": "onnx" if READER else "none"}
    settings = make_settings(data_dir=ROOT / ".wibb", reader=reader)
    assistant = build_assistant(settings)
    planner = assistant.planner
    planner.refusal = RefusalModel(min_evidence=-1e9, bias=-1e9)  # never refuses on the signals
    plans: list[Any] = []
    plan_of = planner.plan

    def recording(*args: Any, **kwargs: Any) -> Any:
        plans.append(plan_of(*args, **kwargs))
        return plans[-1]

    planner.plan = recording  # type: ignore[method-assign]
    rows = []
    for case in cases:
        conversation = Conversation()
        for n, turn in enumerate(case.as_turns(), start=1):
            plans.clear()
            answer = assistant.answer(turn.question, conversation, turn.filters)
            plan = plans[0]  # the plan within the filters (never refused, so nothing is asked beyond them)
            obs = observe(answer, float("nan"))
            refused = replace(obs, answer=texts.NOT_IN_KNOWLEDGE, refused=True, citations=())
            scored = turn.as_case(case.id)
            rows.append(
                {
                    "id": f"{case.id}/{n}" if case.turns else case.id,
                    "group": case.id,
                    "turn": bool(case.turns),
                    "answerable": turn.answerable,
                    "signals": plan.signals,
                    "evidence": plan.answer.evidence,
                    "absence": plan.answer.refused,  # refused although nothing was calibrated: absence
                    "structured": plan.signals is None and not plan.answer.refused,
                    "answered": score_case(scored, obs, K).metrics,
                    "as_refused": score_case(scored, refused, K).metrics,
                }
            )
            cited = tuple(dict.fromkeys(c.doc_id for c in answer.citations))
            conversation.add(turn.question, answer.text, query=answer.query, cited=cited)
    return rows


class Table:
    """The recorded rows as arrays, so that a rule is decided for all of them at once: the signals weighed,
    what refuses whatever the weights, and the two score rows per metric."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        zero = RefusalModel(0.0, weights=dict.fromkeys(NAMES, 0.0))
        self.x0 = np.vstack([
            zero.features(r["signals"]) if r["signals"] is not None else np.zeros(len(NAMES)) for r in rows
        ])  # fmt: skip
        self.evidence = np.array([r["evidence"] for r in rows], dtype=float)
        self.absence = np.array([r["absence"] for r in rows], dtype=bool)
        self.structured = np.array([r["structured"] for r in rows], dtype=bool)
        self.answerable = np.array([r["answerable"] for r in rows], dtype=bool)
        self.scores = {}
        for name in METRICS:
            answered = [r["answered"].get(name) for r in rows]
            refused = [r["as_refused"].get(name) for r in rows]
            self.scores[name] = (
                np.array([np.nan if v is None else v for v in answered], dtype=float),
                np.array([np.nan if v is None else v for v in refused], dtype=float),
            )

    def subset(self, index: np.ndarray) -> Table:
        return Table([self.rows[i] for i in index])

    @property
    def x(self) -> np.ndarray:
        """The signals, those left out (--ablate) held at 0 so that their weights fit to 0."""
        x = self.x0.copy()
        x[:, list(DROPPED)] = 0.0
        return x


METRICS = ("refusal_recall", "false_refusal_rate", "refusal_accuracy", "answer_fact_recall",
           f"context_fact_recall@{K}", "citation_precision")  # fmt: skip


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


def decide(table: Table, t: float, b: float, w: np.ndarray, cut: float) -> np.ndarray:
    """Which rows the rule refuses: an absence always, a route below its margin, a question below the
    minimum, else the logistic rule."""
    route = table.evidence < t - RefusalModel(t).route_margin
    z = b + table.x @ w
    rule = (table.evidence < t) | (1 / (1 + np.exp(-z)) >= cut)
    return table.absence | np.where(table.structured, route, rule)


def decide_with(table: Table, chosen: dict[str, Any]) -> np.ndarray:
    weights = np.array(list(chosen["weights"].values()))
    return decide(table, chosen["min_evidence"], chosen["bias"], weights, chosen["cutoff"])


def metrics(table: Table, refused: np.ndarray) -> dict[str, float]:
    out = {}
    for name in METRICS:
        answered, as_refused = table.scores[name]
        values = np.where(refused, as_refused, answered)
        values = values[~np.isnan(values)]
        out[name] = round(float(np.mean(values)), 4) if len(values) else float("nan")
    return out


def objective(m: dict[str, float]) -> float:
    """Refusing what is not there and answering what is, as long as wrong refusals stay rare."""
    if m["false_refusal_rate"] > MAX_FRR:
        return -np.inf
    return m["refusal_recall"] + m["answer_fact_recall"] - FRR_COST * m["false_refusal_rate"]


def choose(table: Table) -> dict[str, Any]:
    best: dict[str, Any] = {"objective": -np.inf}
    for t in MIN_EVIDENCE:
        train = ~table.absence & ~table.structured & (table.evidence >= t)
        if train.sum() < 10 or len(set(table.answerable[train])) < 2:
            continue
        b, w = fit(table.x[train], (~table.answerable[train]).astype(float))
        for cut in CUTOFFS:
            m = metrics(table, decide(table, t, b, w, cut))
            score = objective(m)
            if score > best["objective"] + 1e-9:
                weights = dict(zip(NAMES, (round(v, 4) for v in w), strict=True))
                best = {"objective": round(score, 4), "min_evidence": float(t), "cutoff": float(cut),
                        "bias": round(b, 4), "weights": weights, "metrics": m}  # fmt: skip
    return best


def folds(rows: list[dict[str, Any]]) -> np.ndarray:
    """Stratified by answerable; a conversation's turns stay together in one fold (counted on after the
    answerable questions)."""

    def stratum(r: dict[str, Any]) -> bool:
        return r["turn"] or r["answerable"]

    fold = np.zeros(len(rows), dtype=int)
    for s in (True, False):
        groups = [*sorted({r["group"] for r in rows if stratum(r) == s and not r["turn"]}),
                  *sorted({r["group"] for r in rows if stratum(r) == s and r["turn"]})]  # fmt: skip
        place = {g: n % FOLDS for n, g in enumerate(groups)}
        for i, r in enumerate(rows):
            if stratum(r) == s:
                fold[i] = place[r["group"]]
    return fold


def fitted_on(table: Table, index: np.ndarray) -> Table:
    """The rows of `index` the rule is chosen on: all of them, or only the single questions (--fit-on)."""
    if FIT_ON == "questions":
        index = np.array([i for i in index if not table.rows[i]["turn"]], dtype=int)
    return table.subset(index)


def cross_validate(table: Table) -> tuple[dict[str, float], np.ndarray, list[dict[str, Any]]]:
    """Everything chosen on four folds and applied to the fifth; the pooled decisions and per-fold choices."""
    fold = folds(table.rows)
    pooled = np.zeros(len(table.rows), dtype=bool)
    per_fold = []
    for f in range(FOLDS):
        chosen = choose(fitted_on(table, np.where(fold != f)[0]))
        test_index = np.where(fold == f)[0]
        pooled[test_index] = decide_with(table.subset(test_index), chosen)
        per_fold.append({k: chosen[k] for k in ("min_evidence", "cutoff", "bias", "weights")})
    return metrics(table, pooled), pooled, per_fold


def parts(table: Table, refused: np.ndarray) -> dict[str, dict[str, float]]:
    """The figures on the single questions and on the conversation turns apart."""
    turn = np.array([r["turn"] for r in table.rows], dtype=bool)
    out = {"questions": metrics(table.subset(np.where(~turn)[0]), refused[~turn])}
    if turn.any():
        out["conversation turns"] = metrics(table.subset(np.where(turn)[0]), refused[turn])
    return out


def ablate(table: Table) -> None:
    """Which signals earn their place: backward elimination on the cross-validated objective. Each round
    leaves out, in turn, every signal still in; the one whose absence costs least is dropped for good while
    that costs at most TOLERANCE (a signal that does not earn more than that is a rule to remove)."""
    names = NAMES
    DROPPED.clear()
    base = cross_validate(table)[0]
    print(f"{'all signals':<24} {base}  objective {objective(base):.4f}", flush=True)
    while len(DROPPED) < len(names) - 1:
        trials = []
        for i, name in enumerate(names):
            if i in DROPPED:
                continue
            DROPPED.add(i)
            m = cross_validate(table)[0]
            DROPPED.discard(i)
            trials.append((objective(m), i, m))
            print(f"  {'without ' + name:<22} {m}  objective {objective(m):.4f}", flush=True)
        best, i, m = max(trials, key=lambda t: t[0])
        if not np.isfinite(best) or best < objective(base) - TOLERANCE:
            break  # every removal costs too much (or breaks the false-refusal limit)
        DROPPED.add(i)
        base = m
        print(f"dropped {names[i]:<16} objective {best:.4f}; left out so far: "
              f"{[names[j] for j in sorted(DROPPED)]}", flush=True)  # fmt: skip
    print(f"kept: {[n for j, n in enumerate(names) if j not in DROPPED]}", flush=True)
    DROPPED.clear()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("questions", nargs="?", default=str(ROOT / "evals" / "vragen.yaml"))
    parser.add_argument("--out", default=None)
    parser.add_argument("--ablate", action="store_true", help="cross-validate with each signal left out")
    parser.add_argument("--reader", action="store_true", help="with the reader's probability as a signal")
    parser.add_argument(
        "--conversations",
        default=str(ROOT / "evals" / "gesprekken.yaml"),
        help="the tuning conversations: their turns are scored too ('' for none)",
    )
    parser.add_argument("--rows", default="", help="keep the recorded answers in this file and reuse them")
    parser.add_argument(
        "--signals",
        default="",
        help="the signals to weigh, comma-separated (default: all; --reader adds answers)",
    )
    parser.add_argument(
        "--fit-on",
        choices=("all", "questions"),
        default="questions",
        help="choose the rule on the questions and the turns, or on the questions only",
    )
    args = parser.parse_args()
    global READER, FIT_ON, NAMES
    READER, FIT_ON = args.reader, args.fit_on
    NAMES = tuple(args.signals.split(",")) if args.signals else (*NAMES, *(READER_SIGNALS if READER else ()))
    if unknown := set(NAMES) - set(FEATURES):
        raise SystemExit(f"unknown signals: {sorted(unknown)}; known: {list(FEATURES)}")
    name = "calibration-reader.json" if READER else "calibration.json"
    args.out = args.out or str(ROOT / "evals" / name)
    sets = [args.questions, *([args.conversations] if args.conversations else [])]
    if any("achtergehouden" in path for path in sets):
        raise SystemExit("the held-out part is never calibrated on")
    started = time.perf_counter()
    if args.rows and Path(args.rows).exists():  # answers recorded by an earlier run (same code and reader)
        rows = pickle.loads(Path(args.rows).read_bytes())
    else:
        rows = record([case for path in sets for case in load_cases(path)])
        if args.rows:
            Path(args.rows).write_bytes(pickle.dumps(rows))
    log(f"{len(rows)} questions and turns answered in {time.perf_counter() - started:.0f} s")
    table = Table(rows)
    if args.ablate:
        ablate(table)
        return
    cross_validated, pooled, per_fold = cross_validate(table)
    for f, chosen in enumerate(per_fold):
        log(f"fold {f}: min_evidence {chosen['min_evidence']}, cutoff {chosen['cutoff']}")
    final = choose(fitted_on(table, np.arange(len(rows))))
    result = {
        "questions": [str(Path(path).resolve().relative_to(ROOT)) for path in sets],
        "cases": len(rows),
        "fit_on": FIT_ON,
        "features": NAMES,
        "chosen": {k: final[k] for k in ("min_evidence", "cutoff", "bias", "weights")},
        "in_sample": metrics(table, decide_with(table, final)),
        "cross_validated": cross_validated,
        "cross_validated_parts": parts(table, pooled),
        "folds": per_fold,
    }
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
