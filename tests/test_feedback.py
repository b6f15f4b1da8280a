"""The feedback store: SQLite in WAL mode, concurrent writers, exports, 👎 -> question-set entries, CLI."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import threading

import pytest
import yaml

from assistant.cli import main
from assistant.feedback import exports as feedback
from assistant.feedback.store import DISLIKE, LIKE, FeedbackStore


@pytest.fixture
def store(tmp_path):
    return FeedbackStore(tmp_path / "data" / "feedback.sqlite3")


def add(store: FeedbackStore, rating: int = LIKE, **fields) -> int:
    values = {"question": "Wat doet een matcher?", "answer": "Een matcher verbindt [1].", **fields}
    return store.add(rating=rating, **values)


def test_entry_round_trips_with_question_answer_cited_ids_and_filters(store):
    entry_id = add(
        store,
        DISLIKE,
        cited=["matcher", "zorgreserve", "matcher"],
        filters={"sector": ["zorg"], "soort": []},
        query="Wat doet een matcher? (zorg)",
        refused=True,
        session="abc",
    )
    [entry] = store.entries()
    assert entry.id == entry_id
    assert (entry.rating, entry.question, entry.answer) == (
        DISLIKE,
        "Wat doet een matcher?",
        "Een matcher verbindt [1].",
    )
    assert entry.cited == ("matcher", "zorgreserve")  # duplicates dropped, order kept
    assert entry.filters == {"sector": ["zorg"]}  # empty filters are not stored
    assert entry.query == "Wat doet een matcher? (zorg)"
    assert entry.refused is True
    assert entry.created.endswith("+00:00")


def test_store_uses_wal_journal(store):
    add(store)
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_comment_rating_change_and_delete(store):
    entry_id = add(store)
    assert store.set_comment(entry_id, "Klopt, dank je")
    assert store.set_rating(entry_id, DISLIKE)
    [entry] = store.entries()
    assert (entry.comment, entry.rating) == ("Klopt, dank je", DISLIKE)
    assert store.delete(entry_id)
    assert store.entries() == []
    assert not store.set_comment(entry_id, "weg")


def test_filtering_by_rating_and_ids(store):
    first, second, third = add(store, LIKE), add(store, DISLIKE), add(store, DISLIKE)
    assert [e.id for e in store.entries(rating=DISLIKE)] == [second, third]
    assert [e.id for e in store.entries(rating=DISLIKE, ids=[third, first])] == [third]
    assert store.entries(ids=[]) == []


def test_reading_without_database_creates_nothing(store):
    assert store.entries() == []
    assert not store.path.exists()


def test_invalid_rating_is_refused(store):
    with pytest.raises(ValueError):
        add(store, 0)


def test_concurrent_writers_lose_nothing(store):
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                add(store, LIKE if i % 2 else DISLIKE, question=f"vraag {n}-{i}")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    entries = store.entries()
    assert len(entries) == 200
    assert len({e.id for e in entries}) == 200
    assert {e.question for e in entries} == {f"vraag {n}-{i}" for n in range(8) for i in range(25)}


def test_csv_export_has_header_and_defuses_spreadsheet_formulas(store):
    add(store, DISLIKE, question='=HYPERLINK("http://x")', cited=["a", "b"], comment="+1 goed")
    rows = list(csv.reader(io.StringIO(feedback.to_csv(store.entries()))))
    assert rows[0] == list(feedback.COLUMNS)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["question"] == '\'=HYPERLINK("http://x")'
    assert row["comment"] == "'+1 goed"
    assert row["cited"] == "a b"
    assert row["rating"] == "-1"


def test_json_export_lists_entries_without_session(store):
    add(store, session="geheim")
    [data] = json.loads(feedback.to_json(store.entries()))
    assert data["question"] == "Wat doet een matcher?"
    assert data["cited"] == []
    assert "session" not in data


def test_dislikes_become_question_set_entries_that_load(store):
    from assistant.evaluation.questionset import parse_cases

    add(
        store,
        DISLIKE,
        question="Hoeveel zorgreservisten zijn er?",
        comment="cijfer\nklopt niet",
        cited=["zorgreserve"],
    )
    add(store, DISLIKE, question="Wat kost het?", filters={"sector": ["zorg"]})
    text = feedback.to_question_yaml(store.entries())
    assert "# toelichting: cijfer klopt niet" in text  # the comment, on one comment line
    assert "# geciteerd: zorgreserve" in text
    entries = yaml.safe_load(text)
    assert entries[0]["id"].startswith("feedback-1-hoeveel-zorgreservisten")
    assert entries[1]["filters"] == {"sector": "zorg"}
    cases = parse_cases(text, "feedback.yaml")
    assert [c.question for c in cases] == ["Hoeveel zorgreservisten zijn er?", "Wat kost het?"]
    assert cases[1].filters.sector == ("zorg",)


def test_a_dislike_on_a_follow_up_is_exported_with_its_conversation(store):
    from assistant.evaluation.questionset import parse_cases

    earlier = ("Wat is de Nationale Zorgreserve?", "Hoeveel mensen doen daaraan mee?")
    add(store, DISLIKE, question="En wie betaalt hun salaris?", context=earlier)
    [entry] = store.entries()
    assert entry.context == earlier
    [case] = parse_cases(feedback.to_question_yaml([entry]), "feedback.yaml")
    assert [t.question for t in case.turns] == [*earlier, "En wie betaalt hun salaris?"]


def test_dislikes_are_filled_in_as_far_as_the_feedback_goes_and_stay_to_review_until_completed(store):
    from assistant.evaluation.questionset import parse_cases
    from assistant.evaluation.scoring import Observation, score_case

    earlier = ("Wat is de Nationale Zorgreserve?",)
    add(store, DISLIKE, question="Hoeveel zorgreservisten zijn er?", answer="Er zijn er 4000 [1].",
        comment="cijfer klopt niet", cited=["zorgreserve"], context=earlier)  # fmt: skip
    add(store, DISLIKE, question="Wat kost het?", answer="Dat staat niet in de kennisbank.")
    text = feedback.to_question_yaml(store.entries())
    first, _ = yaml.safe_load(text)
    asked = first["turns"][-1]
    assert [t["question"] for t in first["turns"]] == [*earlier, "Hoeveel zorgreservisten zijn er?"]
    assert asked["expect_sources"] == ["zorgreserve"]  # what the answer cited, for the organiser to check
    assert asked["expect_facts"] == [] and asked["todo"]  # what only the organiser knows is marked
    assert asked["notes"].endswith("; toelichting: cijfer klopt niet")
    # each field left to complete says what belongs there, on its own line of the file
    assert "    expect_facts: []  # TE DOEN: de feiten die een goed antwoord noemt" in text
    assert "  expect_sources: []  # TE DOEN: wat het 👎-antwoord citeerde" in text
    assert text.count("# TE DOEN:") == 6
    # uploaded as it is, nothing passes: every question is te beoordelen, however it is answered
    answered = Observation("Er zijn 3500 zorgreservisten [1].", False)
    outcomes = [score_case(case, answered).status for case in parse_cases(text, "uit-feedback.yaml")]
    assert outcomes == ["review", "review"]
    completed = text.replace("expect_facts: []", 'expect_facts: [["3500"]]', 1)
    completed = "\n".join(line for line in completed.splitlines() if "todo:" not in line)
    conversation = parse_cases(completed, "uit-feedback.yaml")[0]
    last = conversation.turns[-1]
    assert not last.to_review and last.expect_facts == (("3500",),)


def test_a_store_from_before_conversations_gets_the_context_column(tmp_path):
    path = tmp_path / "oud.sqlite3"
    with sqlite3.connect(path) as conn:  # the first round's table, without `context`
        conn.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, rating INTEGER "
            "NOT NULL, comment TEXT NOT NULL DEFAULT '', question TEXT NOT NULL, answer TEXT NOT NULL, query TEXT "
            "NOT NULL DEFAULT '', cited TEXT NOT NULL DEFAULT '[]', filters TEXT NOT NULL DEFAULT '{}', refused "
            "INTEGER NOT NULL DEFAULT 0, session TEXT NOT NULL DEFAULT '')"
        )
        conn.execute(
            "INSERT INTO feedback (created, rating, question, answer) VALUES ('2026-01-01', 1, 'Oud?', 'Ja.')"
        )
    old = FeedbackStore(path)
    add(old, DISLIKE, question="Nieuw?", context=("Eerder?",))
    assert [(e.question, e.context) for e in old.entries()] == [("Oud?", ()), ("Nieuw?", ("Eerder?",))]


def test_cli_exports_csv_json_and_questions(tmp_path, capsys):
    data = tmp_path / "data"
    store = FeedbackStore(data / "feedback.sqlite3")
    add(store, LIKE)
    add(store, DISLIKE, question="Wat kost een zorgreservist?")
    out_csv, out_json, out_yaml = tmp_path / "f.csv", tmp_path / "f.json", tmp_path / "vragen.yaml"
    argv = ["--data-dir", str(data), "feedback", "export", "--csv", str(out_csv), "--json", str(out_json)]
    assert main([*argv, "--as-questions", str(out_yaml)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        f"2 feedbackregels geschreven naar {out_csv}",
        f"2 feedbackregels geschreven naar {out_json}",
        f"1 toetsvragen (uit 👎) geschreven naar {out_yaml}. Vul in wat er bij TE DOEN staat en haal todo weg: "
        "tot dan is elke vraag te beoordelen en telt hij niet als geslaagd.",
    ]
    assert len(list(csv.reader(out_csv.open(encoding="utf-8")))) == 3
    assert len(json.loads(out_json.read_text(encoding="utf-8"))) == 2
    assert [c["question"] for c in yaml.safe_load(out_yaml.read_text(encoding="utf-8"))] == [
        "Wat kost een zorgreservist?"
    ]


def test_cli_without_options_prints_json(tmp_path, capsys):
    data = tmp_path / "data"
    add(FeedbackStore(data / "feedback.sqlite3"), DISLIKE)
    assert main(["--data-dir", str(data), "feedback", "export"]) == 0
    assert [e["rating"] for e in json.loads(capsys.readouterr().out)] == [-1]


def test_cli_says_when_there_is_no_feedback(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "leeg"), "feedback", "export"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out) == []
    assert "Er is nog geen feedback opgeslagen" in captured.err
