"""The Toetsen tab's handlers without a browser (issue 23): the picker of bundled sets, uploads checked at
once, runs to review, earlier runs opened and downloaded again, feedback with the answer it was about."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, fake_settings

from assistant import texts
from assistant.evaluation.questionset import load_cases
from assistant.feedback.store import DISLIKE, LIKE
from assistant.web import question_sets as sets
from assistant.web import records, runs
from assistant.web.app import WebApp
from assistant.web.eval_tab import run_eval

W = texts.WEB
TUNING_FIRST = [
    "vragen.yaml",
    "gesprekken.yaml",
    "vragen-achtergehouden.yaml",
    "gesprekken-achtergehouden.yaml",
]
TO_REVIEW = "- id: open-1\n  question: Wat doet een matcher?\n- id: open-2\n  question: Wat kost het?\n"


@pytest.fixture
def web(assistant, tmp_path):
    return WebApp(fake_settings(tmp_path / "web"), assistant)


def test_the_picker_shows_every_bundled_set_tuning_first_with_its_size_and_purpose():
    shipped = sets.shipped_sets()
    assert list(shipped)[:4] == TUNING_FIRST
    labels = dict((value, label) for label, value in sets.set_choices(shipped))
    for name in TUNING_FIRST:
        cases = load_cases(ROOT / "evals" / name)  # counted in code; no question of a held-out part is read
        turns = sum(len(case.as_turns()) for case in cases)
        conversations = sum(bool(case.turns) for case in cases)
        size = f"{conversations} gesprekken ({turns} vragen)" if conversations else f"{turns} vragen"
        assert labels[name] == f"{name} · {size} · {texts.BUNDLED_SETS[name]}"
    assert "achtergehouden deel" in labels["vragen-achtergehouden.yaml"]
    assert labels[sets.UPLOAD] == W["eval_upload_choice"]


def test_a_bundled_set_that_cannot_be_read_says_so_in_the_picker(web, tmp_path):
    (tmp_path / "evals").mkdir()
    (tmp_path / "evals" / "kapot.yaml").write_text("- id: a\n  vraag: x\n", encoding="utf-8")
    (tmp_path / "evals" / "eigen.csv").write_text("id,question,answerable\nx,Wat kost het?,nee\n", "utf-8")
    shipped = sets.shipped_sets(tmp_path)
    assert sets.set_choices(shipped)[:2] == [
        ("eigen.csv · 1 vraag · meegeleverde vragenset", "eigen.csv"),
        ("kapot.yaml · kan niet worden gelezen", "kapot.yaml"),
    ]
    message, ok = sets.check_choice(web, "kapot.yaml", None, shipped)
    assert not ok and "vraag 'a'): onbekend veld 'vraag'" in message
    assert sets.check_choice(web, "eigen.csv", None, shipped) == (
        "**eigen.csv**: 1 vraag, klaar om te toetsen. Bij 1 moet de assistent weigeren.",
        True,
    )


def test_an_upload_is_checked_whole_as_it_arrives(web, tmp_path):
    broken = tmp_path / "kapot.yaml"
    broken.write_text("- id: a\n  question: Vraag?\n  expect_fact: [x]\n- id: b\n  question: Vraag?\n"
                      "  answerable: misschien\n", encoding="utf-8")  # fmt: skip
    message, ok = sets.check_choice(web, sets.UPLOAD, str(broken), {})
    assert not ok
    assert message.startswith("⚠️ De vragenset kan niet worden gebruikt (kapot.yaml): 2 vragen kloppen niet")
    assert "- vraag 'a': onbekend veld 'expect_fact'" in message
    assert "- vraag 'b': answerable moet true of false zijn (niet 'misschien')" in message
    review = tmp_path / "uit-feedback.yaml"
    review.write_text(TO_REVIEW, encoding="utf-8")
    message, ok = sets.check_choice(web, sets.UPLOAD, str(review), {})
    assert ok and message.startswith("**uit-feedback.yaml**: 2 vragen, klaar om te toetsen.")
    assert "2 hebben niets om te controleren of staan op todo: die zijn te beoordelen" in message
    assert sets.check_choice(web, sets.UPLOAD, None, {}) == (f"⚠️ {W['eval_need_file']}", False)


def test_a_set_without_expectations_runs_but_nothing_passes(web, tmp_path):
    path = tmp_path / "uit-feedback.yaml"
    path.write_text(TO_REVIEW, encoding="utf-8")
    summary, rows, _ = run_eval(web, sets.UPLOAD, str(path), False)
    assert summary.startswith("**2 vragen: geen enkele beoordeeld; 2 te beoordelen")
    assert [row[3] for row in rows] == ["te beoordelen", "te beoordelen"]
    assert rows[0][4].startswith("te beoordelen: deze vraag heeft niets om te controleren")
    _, listed, _ = runs.runs_overview(web, False)
    assert listed[0][4] == "2 te beoordelen"


def test_an_earlier_run_opens_with_its_cases_and_every_report_file_again(web, tmp_path):
    path = tmp_path / "eigen.yaml"
    path.write_text(
        "- id: zr\n  question: Hoeveel zorgreservisten zijn er ingeschreven?\n  expect_facts: [['3500']]\n"
        + TO_REVIEW,
        encoding="utf-8",
    )
    _, _, files = run_eval(web, "eigen", None, False, None, {"eigen": path})
    _, listed, choices = runs.runs_overview(web, False)
    run_id = choices[0][1]
    assert listed[0][:5] == [run_id, listed[0][1], "eigen", "toetsen", "1 van 1, 2 te beoordelen"]
    summary, report, reopened = runs.open_run(web, run_id, False)
    assert summary.startswith(f"### Run {run_id} · ") and "eigen (door toetsen; kennisbank " in summary
    assert "**3 vragen: 1 geslaagd en 0 niet geslaagd van de 1 beoordeelde (100%)" in summary
    assert [c.id for c in report.cases] == ["zr", "open-1", "open-2"]
    by_suffix = {Path(f).suffix: Path(f).read_text(encoding="utf-8") for f in files}
    for again in reopened:  # the same files as the run wrote, under new names in the data folder
        assert Path(again).parent == web.settings.data_dir / "exports"
        assert Path(again).read_text(encoding="utf-8") == by_suffix[Path(again).suffix]
    assert runs.open_run(web, run_id + 99, False)[0] == W["runs_missing"]
    assert runs.open_run(web, None, False)[0] == W["runs_pick_one"]


def test_earlier_runs_need_the_organisers_login(tmp_path, assistant, monkeypatch):
    from pydantic import SecretStr

    from assistant.config import WebSettings
    from assistant.web import session

    monkeypatch.setattr(session, "LOGIN_DELAY_S", 0)
    web = WebApp(fake_settings(tmp_path / "web", web=WebSettings(auth=SecretStr("anna:geheim"))), assistant)
    assert runs.open_run(web, 1, False) == (W["login_required"], None, [])
    assert records.feedback_detail(web, 1, False) == W["login_required"]
    assert sets.check_choice(web, sets.UPLOAD, None, {})[1] is False


def test_the_feedback_table_shows_the_rated_answer_and_its_conversation(web):
    web.feedback.add(rating=LIKE, question="Wat doet een matcher?", answer="Een matcher verbindt [1].")
    entry = web.feedback.add(
        rating=DISLIKE, question="En hoeveel zijn het er?", answer="Er zijn <b>4000</b> zorgreservisten [1].",
        comment="klopt niet", cited=["zorgreserve"], context=("Wat is de Nationale Zorgreserve?",),
    )  # fmt: skip
    _, rows, _ = records.feedback_overview(web, False)
    assert rows[0][2:] == ["👎", "Wat is de Nationale Zorgreserve?", "En hoeveel zijn het er?",
                           "Er zijn <b>4000</b> zorgreservisten [1].", "klopt niet", "zorgreserve"]  # fmt: skip
    assert texts.WEB_HEADERS["feedback"][3:6] == ["Eerder in het gesprek", "Vraag", "Antwoord"]
    detail = records.feedback_detail(web, entry, False)
    assert detail.startswith("### 👎 En hoeveel zijn het er?")
    assert "**Eerder in het gesprek:**\n\n1. Wat is de Nationale Zorgreserve?" in detail
    assert "**Gegeven antwoord:**\n\nEr zijn &lt;b&gt;4000&lt;/b&gt; zorgreservisten [1]." in detail
    assert "**Toelichting:** klopt niet" in detail
    assert records.feedback_detail(web, 999, False) == W["feedback_pick_row"]


def test_the_bundled_sets_are_counted_once_and_the_counts_kept_until_a_set_changes(tmp_path, monkeypatch):
    """A new process (the web app's start) reads the counts instead of parsing every set again."""
    from assistant.evaluation import questionset

    (tmp_path / "evals").mkdir()
    own = tmp_path / "evals" / "eigen.yaml"
    own.write_text(TO_REVIEW, encoding="utf-8")
    cache = tmp_path / "cache"
    shipped = sets.shipped_sets(tmp_path)
    first = sets.set_choices(shipped, cache)
    assert (cache / sets.COUNTS_FILE).is_file()

    def no_parsing(*_args, **_kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(sets, "_INFO", {})  # as in a new process
    monkeypatch.setattr(questionset, "load_cases", no_parsing)
    assert sets.set_choices(shipped, cache) == first
    monkeypatch.undo()

    own.write_text(
        TO_REVIEW + "- id: open-3\n  question: Wie betaalt?\n  answerable: false\n", encoding="utf-8"
    )
    monkeypatch.setattr(sets, "_INFO", {})
    label = dict((value, text) for text, value in sets.set_choices(shipped, cache))["eigen.yaml"]
    assert label.startswith("eigen.yaml · 3 vragen")
    (cache / sets.COUNTS_FILE).write_text("{kapot", encoding="utf-8")  # a spoilt cache is counted again
    monkeypatch.setattr(sets, "_INFO", {})
    assert dict((value, text) for text, value in sets.set_choices(shipped, cache))["eigen.yaml"] == label
