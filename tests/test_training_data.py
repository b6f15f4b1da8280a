"""The reader's training data: checked against the knowledge base, labelled by its evidence, kept apart from
the question sets, and the shipped reader trained on exactly the committed files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.reader.manifest import load_manifest
from assistant.training import data, overlap
from assistant.training.mining import label

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "training" / "questions"
FILES = data.question_files(QUESTIONS)


def test_committed_training_data_passes_the_check_and_is_large_enough():
    problems, total = data.check(FILES, ROOT / "knowledge")
    assert problems == []
    questions = data.read_questions(FILES)
    assert total == len(questions) >= 2500
    assert sum(not q.answerable for q in questions) >= 1000
    kinds = {q.kind for q in questions}
    assert {"route", "howto", "list", "yesno", "typo", "followup", "unanswerable", "factoid"} <= kinds
    follow_ups = [q for q in questions if q.typed]
    assert follow_ups and all(q.question != q.typed for q in follow_ups)  # each with its standalone form


def test_the_shipped_reader_was_trained_on_the_committed_training_data():
    manifest = load_manifest(ROOT / "assistant" / "reader" / "model")
    assert manifest is not None, "no reader manifest: run `wibb train`"
    assert manifest.training_data_sha256 == data.data_hash(FILES), (
        "training/questions changed since the reader was trained: run `wibb train` (training/README.md)"
    )


def test_no_training_question_repeats_a_question_set_case_in_its_words():
    """The lexical half of the near-copy check (the semantic half, with e5, runs in `wibb train --check`);
    only a count is reported, so the held-out cases stay unread."""
    from assistant.training.pipeline import set_questions

    questions = data.read_questions(FILES)
    forms = [(q.id, q.question) for q in questions] + [(q.id, q.typed) for q in questions if q.typed]
    sets = set_questions(sorted((ROOT / "evals").glob("*.yaml")))
    stems = [overlap.stem_set(text) for _, text in forms]
    for name, cases in sets.items():
        case_stems = [overlap.stem_set(c) for c in cases]
        copies = sum(any(overlap.jaccard(s, c) >= overlap.LEXICAL for c in case_stems) for s in stems)
        assert copies == 0, (
            f"{copies} training questions repeat a case of {name}: wibb train --check --drop-near-copies"
        )


def question(**fields: object) -> data.TrainingQuestion:
    defaults: dict[str, object] = {"id": "t-1", "kind": "factoid", "question": "Hoeveel zorgreservisten waren er in mei 2023?",
                                   "answerable": True, "facts": (("3200", "3.200"),), "sources": ("nationale-zorgreserve",),
                                   "evidence": ("In mei 2023 had de Nationale Zorgreserve 3200 zorgreservisten",)}  # fmt: skip
    return data.TrainingQuestion(**{**defaults, **fields})  # type: ignore[arg-type]


def test_a_sentence_answers_when_it_holds_the_evidence_not_merely_the_number():
    q = question()
    assert (
        label("In mei 2023 had de **Nationale Zorgreserve** 3200 zorgreservisten, volgens De Telegraaf.", q)
        == 1
    )
    # the same figure in another sentence: whether it answers cannot be told, so it is left out
    assert label("De reserve wil 3200 mensen opleiden.", q) is None
    assert label("In februari 2024 had de Nationale Zorgreserve ongeveer 3800 zorgreservisten.", q) == 0
    # a sentence that lies inside a longer evidence fragment (the fragment spanned two sentences)
    long = question(
        evidence=("De reserve groeit snel. In mei 2023 had de Nationale Zorgreserve 3200 zorgreservisten",)
    )
    assert label("In mei 2023 had de Nationale Zorgreserve 3200 zorgreservisten.", long) == 1
    # nothing answers an unanswerable question, however close
    assert (
        label("In mei 2023 had de Nationale Zorgreserve 3200 zorgreservisten.", question(answerable=False))
        == 0
    )


def test_with_facts_answer_a_source_sentence_holding_an_expected_fact_answers():
    q = question(facts=(("3200",), ("ja",)))
    figure = "De reserve wil 3200 mensen opleiden."
    assert label(figure, q, "nationale-zorgreserve", facts_answer=True) == 1
    assert label(figure, q, "nationale-zorgreserve") is None  # off: left out, as before
    # in a document that is not one of the question's sources it still cannot be told
    assert label(figure, q, "dienjaar", facts_answer=True) is None
    # a fact too short to say anything ("ja") does not make a sentence an answer
    assert label("Ja, dat kan in de zorg.", q, "nationale-zorgreserve", facts_answer=True) is None
    assert label("Iets anders over de zorg.", q, "nationale-zorgreserve", facts_answer=True) == 0
    assert label(figure, question(answerable=False), "nationale-zorgreserve", facts_answer=True) == 0


def test_near_copies_are_found_by_words_and_by_meaning():
    cases = ["Hoeveel zorgreservisten zijn er?", "Wie is de directeur van de NSvP?"]
    train = [("a", "hoeveel zorgreservisten zijn er"), ("b", "Wie staat aan het hoofd van de NSvP?"),
             ("c", "Welke films heeft het leernetwerk gemaakt?")]  # fmt: skip
    meaning = {"hoofd": 1, "directeur": 1, "zorgreservisten": 0, "films": 2}

    def embed(texts: list[str]) -> np.ndarray:  # a scripted encoder: same meaning, same vector
        rows = np.zeros((len(texts), 3))
        for i, text in enumerate(texts):
            rows[i, next(v for k, v in meaning.items() if k in text)] = 1.0
        return rows

    found = {c.train_id: c for c in overlap.near_copies(train, cases, embed)}
    assert set(found) == {"a", "b"}
    assert found["a"].lexical == 1.0 and found["b"].lexical < overlap.LEXICAL and found["b"].cosine == 1.0


def test_dropping_cases_leaves_every_other_line_as_written(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("# header\n- id: a\n  question: een?  # why\n  answerable: false\n- id: b\n  kind: x\n- id: c\n  kind: y\n",
                    encoding="utf-8")  # fmt: skip
    assert data.drop_cases(path, {"b"}) == 1
    assert (
        path.read_text(encoding="utf-8")
        == "# header\n- id: a\n  question: een?  # why\n  answerable: false\n- id: c\n  kind: y\n"
    )
    assert data.drop_cases(path, {"zz"}) == 0


def test_the_check_names_file_case_and_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "- id: x1\n  kind: factoid\n  question: Hoeveel zorgreservisten zijn er?\n  expect_facts: [['99999']]\n"
        "  expect_sources: [nationale-zorgreserve]\n- id: x2\n  kind: unanswerable\n  question: Wat kost het?\n"
        "  answerable: false\n- id: x1\n  kind: nonsense\n  question: Nog een vraag?\n  expect_facts: [['3500']]\n"
        "  expect_sources: [bestaat-niet]\n",
        encoding="utf-8",
    )
    problems, total = data.check([path], ROOT / "knowledge")
    assert total == 3
    text = "\n".join(problems)
    assert "bad.yaml:x1: fact ['99999'] not in the body of ['nationale-zorgreserve']" in text
    assert "bad.yaml:x2: say what is missing" in text
    assert (
        "bad.yaml:x1: duplicate id" in text
        and "kind must be one of" in text
        and "unknown source(s) ['bestaat-niet']" in text
    )


def test_a_development_fold_keeps_conversations_whole_and_reads_as_a_question_set(tmp_path):
    import yaml

    from assistant.evaluation.questionset import load_cases
    from assistant.training.pipeline import case_of, dev_fold, dev_set

    questions = data.read_questions(FILES)
    kept, dev = dev_fold(questions, 0.2, seed=13)
    assert sorted(q.id for q in kept + dev) == sorted(q.id for q in questions)
    cases, held = {case_of(q.id) for q in questions}, {case_of(q.id) for q in dev}
    assert abs(len(held) - 0.2 * len(cases)) <= 1
    assert not held & {case_of(q.id) for q in kept}  # no case, and no conversation, on both sides
    assert any(case_of(q.id) != q.id for q in dev)  # conversations are among the left-out cases
    assert [q.id for q in dev] == [q.id for q in dev_fold(questions, 0.2, seed=13)[1]]
    assert [q.id for q in dev] != [q.id for q in dev_fold(questions, 0.2, seed=14)[1]]
    path = tmp_path / "dev-fold.yaml"
    path.write_text(yaml.safe_dump(dev_set(dev), allow_unicode=True), encoding="utf-8")
    loaded = load_cases(path)
    singles = [q for q in dev if case_of(q.id) == q.id]
    assert [c.id for c in loaded] == [q.id for q in singles]
    by_id = {q.id: q for q in singles}
    for case in loaded:
        q = by_id[case.id]
        assert case.question == q.question and case.answerable == q.answerable
        assert [tuple(f) for f in case.expect_facts] == [tuple(f) for f in q.facts]
