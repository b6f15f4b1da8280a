"""Score the leave-out reader (`wibb train --leave-out-fifth`) with the answerer as it is now.

Run: `.venv/bin/python bench/leave_out.py` after `wibb train --leave-out-fifth` (which writes the reader that
never saw a fifth of the knowledge documents to .wibb/reader-training/leave-out/). The left-out documents'
questions are answered twice: by that reader and by the shipped one, with the refusal rule calibrated for
the shipped one (what a maintainer gets for documents added later without retraining or recalibrating).
Two groups: the training questions about those documents (the shipped reader learnt from them, the other
did not), and the question-set cases whose expected sources are all among them (neither learnt from those).
The training questions are also answered without a reader (the rules' own refusal rule): what the reader adds
on documents it never saw. Writes bench/leave_out.json and the figures into the leave-out manifest.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.cli.train import QUESTION_SETS  # noqa: E402
from assistant.config import Settings, make_settings  # noqa: E402
from assistant.factory import build_assistant  # noqa: E402
from assistant.reader.engine import MODEL_FILE  # noqa: E402
from assistant.reader.manifest import load_manifest  # noqa: E402
from assistant.training import data  # noqa: E402
from assistant.training.pipeline import TrainingJob, cases_about, evaluate_left_out, scored  # noqa: E402

FOLDER = ROOT / ".wibb" / "reader-training" / "leave-out"


def main() -> int:
    manifest = load_manifest(FOLDER)
    if manifest is None:
        print(f"no leave-out reader in {FOLDER}: run `wibb train --leave-out-fifth` first", file=sys.stderr)
        return 2
    left = manifest.settings["left_out_documents"]
    settings = make_settings(data_dir=ROOT / ".wibb")
    reader = settings.reader.model_copy(update={"backend": "onnx", "model": FOLDER / MODEL_FILE.name})
    job = TrainingJob(
        questions=ROOT / "training" / "questions",
        knowledge=ROOT / "knowledge",
        question_sets=tuple(ROOT / "evals" / name for name in QUESTION_SETS),
    )
    questions = data.read_questions(data.question_files(job.questions))
    figures = evaluate_left_out(settings, reader, job, questions, left, lambda m: print(m, file=sys.stderr))
    figures["rules_only"] = rules_only(settings, questions, set(left))
    print(f"rules_only: {figures['rules_only']}", file=sys.stderr)
    (ROOT / "bench" / "leave_out.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    replace(manifest, figures={**manifest.figures, "left_out": figures}).write(FOLDER)
    print(json.dumps(figures, indent=2))
    return 0


def rules_only(settings: Settings, questions: list[data.TrainingQuestion], left: set[str]) -> dict[str, Any]:
    """The same training questions answered without a reader (the rules' own refusal rule): what the
    reader adds on documents it never saw."""
    cases = cases_about(questions, left)
    none = settings.reader.model_copy(update={"backend": "none"})
    rules = build_assistant(settings.model_copy(update={"reader": none}))
    return {"training_questions": scored(rules, cases)}


if __name__ == "__main__":
    raise SystemExit(main())
