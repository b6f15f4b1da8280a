"""Earlier test runs (issue 23): every run opens again as the report it was, from the shared database, and
runs stored before that was kept still open with what they have."""

from __future__ import annotations

import json

import pytest
from conftest import DATA

from assistant.evaluation import reports, runner
from assistant.evaluation.compare import compare_runs, comparison_markdown
from assistant.evaluation.history import RunHistory
from assistant.evaluation.questionset import load_cases, parse_cases


@pytest.fixture(scope="module")
def tiny_report(assistant):
    """The tiny set plus a case to review and one that passes with an uncited-fact note."""
    extra = parse_cases(
        "- id: open\n  question: Wat doet een matcher?\n  notes: uit een 👎\n"
        "- id: zonder-bronnen\n  question: Hoeveel zorgreservisten staan er ingeschreven?\n"
        "  expect_facts: [['3500', '3.500']]\n",
        "extra.yaml",
    )
    return runner.run_cases(assistant, [*load_cases(DATA / "vragen.yaml"), *extra], k=5, source="vragen.yaml")


def test_a_stored_run_opens_again_as_the_report_it_was(tiny_report, tmp_path):
    history = RunHistory(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    run_id = history.save(tiny_report, revision="abc", origin="toetsen")
    reopened = history.report(run_id)
    assert reopened is not None and (reopened.source, reopened.k) == ("vragen.yaml", 5)
    assert reopened.reader == tiny_report.reader == "geen lezer (alleen de regels)"  # which reader answered
    assert [c.status for c in reopened.cases] == [c.status for c in tiny_report.cases]
    assert "review" in [c.status for c in reopened.cases]
    # every report file is the same again: summary, reasons, notes, citations, passages and their text
    for render in (reports.to_json, reports.to_markdown, reports.to_csv, reports.to_html):
        assert render(reopened) == render(tiny_report)
    assert history.report(run_id + 1) is None


def test_a_run_stored_before_whole_cases_were_kept_still_opens(tmp_path):
    """A database of revision 0002 (no status, no detail) is migrated; its runs open with what they had."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from assistant.database.engine import MIGRATIONS, forget

    url = f"sqlite:///{tmp_path / 'oud.sqlite3'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(text(
            "INSERT INTO eval_runs (created, source, revision, origin, cases, passed, summary) "
            "VALUES ('2026-01-01T10:00:00+00:00', 'oud.yaml', 'r1', 'wibb eval', 2, 1, :summary)"
        ), {"summary": json.dumps({"cases": 2, "passed": 1, "answer_fact_recall": 0.5})})  # fmt: skip
        for position, (case_id, passed) in enumerate((("goed", True), ("fout", False))):
            connection.execute(text(
                "INSERT INTO eval_cases (run_id, position, case_id, question, passed, refused, answerable, "
                "reasons) VALUES (1, :n, :id, 'Vraag?', :passed, 0, 1, :reasons)"
            ), {"n": position, "id": case_id, "passed": passed,
                "reasons": json.dumps([] if passed else ["verwacht feit 'x' niet in het antwoord"])})  # fmt: skip
    engine.dispose()
    forget(url)
    history = RunHistory(url)
    report = history.report(1)
    assert report is not None
    assert [(c.id, c.status, c.passages) for c in report.cases] == [
        ("goed", "passed", []),
        ("fout", "failed", []),
    ]
    assert reports.overview(report) == "2 vragen, 1 geslaagd (50%)"
    assert "verwacht feit 'x' niet in het antwoord" in reports.to_markdown(report)


def test_comparing_two_stored_runs_names_the_metrics_in_dutch_and_each_flipped_case(tiny_report, tmp_path):
    from dataclasses import replace

    history = RunHistory(f"sqlite:///{tmp_path / 'runs.sqlite3'}")
    older = history.save(tiny_report, origin="toetsen")
    first = tiny_report.cases[0]
    flipped = replace(first, passed=not first.passed, reasons=[] if not first.passed else ["anders"])
    newer = history.save(replace(tiny_report, cases=[flipped, *tiny_report.cases[1:]]), origin="toetsen")
    text = comparison_markdown(compare_runs(history.load(older), history.load(newer), 5, "run 1"))
    assert "| Feiten gevonden (context_fact_recall@5) |" in text and "- context_fact_recall@5:" not in text
    old_label, new_label = ("geslaagd", "niet geslaagd") if first.passed else ("niet geslaagd", "geslaagd")
    assert f"- {first.id}: {first.question} ({old_label} → {new_label})" in text
