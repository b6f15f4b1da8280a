"""What a pass means (issue 23): a case with nothing to check is te beoordelen, never geslaagd; without
expect_sources the citation checks only inform; a broken set is refused whole, every case named, before
anything runs. Shared by `wibb eval`, the reports and the Toetsen tab (assistant/evaluation)."""

from __future__ import annotations

import json

import pytest
from builders import CitedSource, Passage

from assistant import factory, texts
from assistant.cli import main
from assistant.errors import QuestionSetError
from assistant.evaluation import reports
from assistant.evaluation.judge import judge_case
from assistant.evaluation.questionset import Case, parse_cases
from assistant.evaluation.scoring import EvalReport, Observation, score_case, summarise

ZORG = Passage(1, "zorgreserve", "zorgreserve:1", "Nationale Zorgreserve", "Omvang",
               "Eind 2023 telde de reserve 3500 zorgreservisten.", 0.03)  # fmt: skip
MATCHER = Passage(
    2, "matcher", "matcher:1", "Matcher", "", "De matcher brengt vraag en aanbod bij elkaar.", 0.02
)
ANSWER = Observation(
    "Er zijn 3500 zorgreservisten [1]. Een matcher brengt vraag en aanbod bij elkaar [2].",
    False,
    (CitedSource(1, "zorgreserve", "zorgreserve:1", "Z", "", "3500 zorgreservisten"),
     CitedSource(2, "matcher", "matcher:1", "M", "", "De matcher brengt vraag en aanbod bij elkaar.")),
    (ZORG, MATCHER),
    latency_ms=30.0,
)  # fmt: skip
REFUSAL = Observation(texts.NOT_IN_KNOWLEDGE, True, passages=(ZORG,), latency_ms=10.0)
# What `wibb feedback export --as-questions` wrote before: empty expectations, answerable spelt out.
FROM_FEEDBACK = """
- id: feedback-1
  question: Hoeveel zorgreservisten zijn er?
  expect_facts: []
  expect_sources: []
  answerable: true
- id: feedback-2
  question: Wat doet een matcher?
  expect_facts: []
  expect_sources: []
  answerable: true
- id: feedback-3
  question: Wat verdient een zorgreservist?
  expect_facts: []
  expect_sources: []
  answerable: true
"""


# -- 1. nothing to check: te beoordelen -----------------------------------------------------------------


@pytest.mark.parametrize("observation", [ANSWER, REFUSAL])
def test_a_case_without_expectations_is_to_review_whatever_the_answer(observation):
    [case] = parse_cases(FROM_FEEDBACK.split("- id: feedback-2")[0], "uit-feedback.yaml")
    result = score_case(case, observation)
    assert (result.status, result.passed, result.reasons) == ("review", False, [])
    assert result.notes[0].startswith("te beoordelen: deze vraag heeft niets om te controleren")
    # nothing was expected, so nothing is measured that needs expectations (the answer's own traits are)
    assert {name for name, value in result.metrics.items() if value is not None} <= {
        "latency_ms",
        "redundancy",
    }


def test_must_refuse_is_an_expectation_and_todo_keeps_a_case_to_review():
    must_refuse = Case("u", "Wat verdient een zorgreservist?", answerable=False)
    assert score_case(must_refuse, REFUSAL).status == "passed"
    assert score_case(must_refuse, ANSWER).status == "failed"
    waiting = Case("z", "Hoeveel zorgreservisten?", (("3500",),), ("zorgreserve",), todo="feiten nakijken")
    result = score_case(waiting, ANSWER)
    assert (result.status, result.reasons) == ("review", [])
    assert result.notes[0] == "te beoordelen: nog te doen volgens de vragenset (feiten nakijken)"
    done = score_case(Case("z", "Hoeveel zorgreservisten?", (("3500",),), ("zorgreserve",)), ANSWER)
    assert done.status == "failed"  # with the todo gone the expectations count: [2] is no expected source


def test_cases_to_review_are_counted_apart_and_left_out_of_the_pass_rate():
    judged = score_case(Case("z", "Hoeveel?", (("3500",),)), ANSWER)
    review = [score_case(c, ANSWER) for c in parse_cases(FROM_FEEDBACK, "uit-feedback.yaml")[:2]]
    summary = summarise([judged, *review])
    assert (summary["cases"], summary["passed"], summary["failed"], summary["to_review"]) == (3, 1, 0, 2)
    assert summary["pass_rate"] == 1.0  # one judged case, and it passed
    assert summary["answer_fact_recall"] == 1.0  # the cases to review do not dilute it
    assert "false_refusal_rate" in summary and summary["false_refusal_rate"] == 0.0
    only_review = summarise(review)
    assert only_review["passed"] == 0 and "pass_rate" not in only_review  # not 0%, not 100%: not measured
    report = EvalReport(only_review, review)
    assert reports.overview(report) == (
        "2 vragen: geen enkele beoordeeld; 2 te beoordelen (niets om te controleren, of todo). "
        "Vul de verwachtingen in om te toetsen."
    )
    mixed = EvalReport(summary, [judged, *review])
    assert reports.overview(mixed) == (
        "3 vragen: 1 geslaagd en 0 niet geslaagd van de 1 beoordeelde (100%); 2 te beoordelen (niets om te "
        "controleren, of todo)"
    )


def test_a_judge_on_a_case_to_review_only_informs():
    [case] = parse_cases(FROM_FEEDBACK.split("- id: feedback-2")[0], "uit-feedback.yaml")
    result = judge_case(lambda prompt: "1: NEE - verzonnen\n2: JA", score_case(case, ANSWER))
    assert (result.status, result.reasons) == ("review", [])
    assert (
        result.notes[-1]
        == "ter informatie: beoordelaar: zin 1 wordt niet gedekt door de geciteerde bronnen (verzonnen)"
    )


def test_wibb_eval_of_cases_without_expectations_passes_none_and_says_how_many_to_review(cli_env, tmp_path,
                                                                                          capsys):  # fmt: skip
    path, out = tmp_path / "uit-feedback.yaml", tmp_path / "r.json"
    path.write_text(FROM_FEEDBACK, encoding="utf-8")
    assert main(["eval", str(path), "--no-history", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 vragen: geen enkele beoordeeld; 3 te beoordelen" in printed
    assert "geslaagd (" not in printed and "3 geslaagd" not in printed
    assert (
        "Te beoordelen (3, tellen niet mee als geslaagd):\n- feedback-1: Hoeveel zorgreservisten zijn er?"
        in printed
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["summary"]["passed"], data["summary"]["to_review"]) == (0, 3)
    assert [c["status"] for c in data["cases"]] == ["review"] * 3
    assert main(["eval", str(path), "--no-history", "--fail-under", "pass_rate=0.5"]) == 1  # nothing to pass
    assert "Niet gemeten: pass_rate" in capsys.readouterr().err


# -- 2. citations without expect_sources inform ---------------------------------------------------------


def test_without_expect_sources_a_citation_off_the_facts_informs_and_the_case_passes():
    facts_only = score_case(Case("z", "Hoeveel zorgreservisten?", (("3500",),)), ANSWER)
    assert (facts_only.status, facts_only.reasons) == ("passed", [])
    assert facts_only.notes == [
        "ter informatie: geciteerde bron [2] (matcher) bevat geen verwacht feit; zonder expect_sources telt "
        "dat niet mee voor geslaagd"
    ]
    assert facts_only.metrics["citation_precision"] == 0.5  # still measured, as information
    with_sources = score_case(Case("z", "Hoeveel zorgreservisten?", (("3500",),), ("zorgreserve",)), ANSWER)
    assert with_sources.reasons == [
        "geciteerde bron [2] (matcher) is geen verwachte bron en bevat geen verwacht feit"
    ]


def test_every_report_says_what_a_pass_means_and_shows_each_outcome():
    results = [
        score_case(Case("goed", "Hoeveel?", (("3500",),)), ANSWER),
        score_case(Case("fout", "Hoeveel?", (("4000",),)), ANSWER),
        score_case(Case("open", "Wat doet een matcher?", note="👎 van gisteren"), ANSWER),
    ]
    report = EvalReport(summarise(results), results, 5, "set.yaml")
    meaning = "Zonder expect_sources zijn de bronnencontroles alleen ter informatie."
    markdown = reports.to_markdown(report)
    assert "## Wat geslaagd betekent" in markdown and meaning in markdown
    assert "| open | te beoordelen | Wat doet een matcher? |" in markdown
    assert "notitie: 👎 van gisteren" in markdown
    page = reports.to_html(report)
    assert "<h2>Wat geslaagd betekent</h2>" in page and meaning in page
    assert [page.count(f"<tr class={s}>") for s in ("passed", "failed", "review")] == [1, 1, 1]
    csv_rows = reports.to_csv(report).splitlines()
    assert [row.split(",")[3] for row in csv_rows[1:]] == ["geslaagd", "niet geslaagd", "te beoordelen"]


# -- 3. a broken set: every case named, nothing run ----------------------------------------------------

BROKEN = """
- id: a
  question: Hoeveel zorgreservisten zijn er?
  expect_fact: [["3500"]]
- id: goed
  question: Wat doet een matcher?
- id: b
  question: Wat verdient een zorgreservist?
  answerable: misschien
- id: c
  question: ""
"""


def test_every_broken_case_is_named_with_its_field_at_once():
    with pytest.raises(QuestionSetError) as caught:
        parse_cases(BROKEN, "kapot.yaml")
    problems = [(p.case, p.reason.split(" (")[0]) for p in caught.value.problems]
    assert problems == [
        ("a", "onbekend veld 'expect_fact'"),
        ("b", "answerable moet true of false zijn"),
        ("c", "het veld 'question' ontbreekt of is leeg"),
    ]
    message = texts.describe_error(caught.value)
    assert message.startswith(
        "De vragenset kan niet worden gebruikt (kapot.yaml): 3 vragen kloppen niet; er is niets gedraaid\n"
        "- vraag 'a': onbekend veld 'expect_fact'"
    )
    assert "\n- vraag 'b': answerable moet true of false zijn (niet 'misschien')" in message


def test_wibb_eval_refuses_a_broken_set_before_building_or_asking_anything(cli_env, tmp_path, capsys,
                                                                            monkeypatch):  # fmt: skip
    def never(settings):
        raise AssertionError("the assistant was built for a broken set")

    monkeypatch.setattr(factory, "build_assistant", never)
    path = tmp_path / "kapot.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines()[1:] == [
        "- vraag 'a': onbekend veld 'expect_fact' (toegestaan: id, question, expect_facts, expect_sources, "
        "answerable, filters, todo, notes, of id en turns voor een gesprek)",
        "- vraag 'b': answerable moet true of false zijn (niet 'misschien')",
        "- vraag 'c': het veld 'question' ontbreekt of is leeg",
    ]
