"""Report files (JSON, Markdown, CSV, HTML) and the comparison with a previous run, over a built report."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

import pytest
from builders import CitedSource, Passage

from assistant import texts
from assistant.evaluation import compare as comparing
from assistant.evaluation import reports, scoring
from assistant.evaluation.questionset import Case
from assistant.evaluation.scoring import EvalReport, Observation, score_case, summarise

EVIL = '<script>alert("x")</script>'
MISSING = "verwacht feit 'de matcher' niet in het antwoord en ook niet in de top-5 opgehaalde bronnen"


def build_report() -> EvalReport:
    text = "Eind 2023 telde de reserve 3500 zorgreservisten & 150 organisaties."
    zorg = Passage(1, "zorgreserve", "zorgreserve:1", "Nationale Zorgreserve", "Omvang", text, 0.03)
    cited = CitedSource(1, "zorgreserve", "zorgreserve:1", "Nationale Zorgreserve", "Omvang", "3500")
    good = score_case(
        Case("omvang", "Hoeveel zorgreservisten?", (("3500",),), ("zorgreserve",)),
        Observation(
            "Eind 2023 waren er 3500 zorgreservisten [1].", False, (cited,), (zorg,), latency_ms=40.0
        ),
    )
    bad = score_case(
        Case("kwaad", f"Wat doet {EVIL} | hier?", (("de matcher",),)),
        Observation(f"=SOM(A1) en {EVIL} [1].", False, passages=(zorg,), latency_ms=80.0),
    )
    refused = score_case(
        Case("uurloon", "Wat verdient een zorgreservist?", answerable=False),
        Observation(texts.NOT_IN_KNOWLEDGE, True, passages=(zorg,), latency_ms=20.0),
    )
    results = [good, bad, refused]
    return EvalReport(summarise(results), results, 5, "evals/vragen.yaml")


def test_json_is_summary_plus_cases_with_the_metric_names():
    data = json.loads(reports.to_json(build_report()))
    assert set(data) == {"summary", "cases"}
    names = "context_fact_recall@5 answer_fact_recall hit@5 mrr@5 citation_precision refusal_accuracy"
    assert {*names.split(), "latency_p50_ms", "latency_p95_ms"} <= set(data["summary"])
    first = data["cases"][0]
    assert (first["id"], first["passed"], first["reasons"]) == ("omvang", True, [])
    assert first["cited_ids"] == ["zorgreserve"]
    assert first["citations"][0]["quote"] == "3500"
    assert first["passages"][0]["text"].startswith("Eind 2023")
    assert data["cases"][1]["reasons"] == [MISSING]


def test_html_is_self_contained_dutch_and_escaped():
    page = reports.to_html(build_report())
    assert page.startswith('<!DOCTYPE html>\n<html lang="nl">')
    assert not re.search(r"<script|<link|\bsrc=|@import|url\(|https?://", page)
    assert EVIL not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "3500 zorgreservisten &amp; 150 organisaties" in page
    labels = ["Samenvatting", "3 vragen, 2 geslaagd (67%)", "niet geslaagd", "Geciteerde bronnen"]
    labels += ["Opgehaalde bronnen", "Alleen niet geslaagde vragen tonen", "deel van de verwachte feiten"]
    for label in labels:
        assert label in page
    assert page.count("<tr class=passed>") == 2 and page.count("<tr class=failed>") == 1
    assert "<td>answer_fact_recall</td><td class=num>0,500</td>" in page


def test_markdown_has_the_summary_and_a_row_per_question_with_html_and_pipes_neutralised():
    text = reports.to_markdown(build_report())
    assert text.startswith(
        "# Toetsrapport WiBB-assistent\n\nVragenset: evals/vragen.yaml\n\n## Samenvatting\n"
    )
    assert (
        "| Antwoordtijd (95%) (latency_p95_ms) | 76 ms | antwoordtijd in milliseconden waar 95% van de vragen "
        "onder blijft |" in text
    )
    row = next(line for line in text.splitlines() if line.startswith("| kwaad |"))
    assert "&lt;script&gt;" in row and "\\|" in row and EVIL not in text
    assert row.endswith(f"| {MISSING} |")
    assert "| uurloon | geslaagd | Wat verdient een zorgreservist? |  | (geweigerd) Dat staat niet" in text


def test_csv_has_dutch_headers_and_keeps_formulas_as_text():
    rows = list(csv.reader(io.StringIO(reports.to_csv(build_report()))))
    assert rows[0][:6] == ["id", "Vraag", "Gezocht op", "Resultaat", "Geweigerd", "Beantwoordbaar"]
    assert rows[0][-4:] == ["Redenen", "Geciteerde bronnen", "Opgehaalde bronnen", "Antwoord"]
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_id["omvang"]["answer_fact_recall"] == "1.0000"
    assert by_id["uurloon"]["answer_fact_recall"] == ""  # not applicable
    assert by_id["kwaad"]["Antwoord"].startswith("'=SOM(A1)")
    assert by_id["kwaad"]["Resultaat"] == "niet geslaagd"


def test_compare_gives_deltas_and_flipped_cases():
    report = build_report()
    old = {
        "summary": {**report.summary, "answer_fact_recall": 0.75, "refusal_accuracy": 1.0},
        "cases": [
            {"id": "omvang", "passed": False},
            {"id": "kwaad", "passed": True},
            {"id": "oud", "passed": True},
        ],
    }
    comparison = comparing.compare(old, report, "oud.json")
    deltas = {d.name: d.delta for d in comparison.deltas}
    assert deltas["answer_fact_recall"] == pytest.approx(-0.25)
    assert deltas["hit@5"] == 0.0
    assert [(f.id, f.old, f.new) for f in comparison.flips] == [
        ("omvang", "failed", "passed"),
        ("kwaad", "passed", "failed"),
    ]
    assert (comparison.added, comparison.removed) == (["uurloon"], ["oud"])
    text = comparing.comparison_markdown(comparison)
    # the Dutch names of every other report, then each case that flipped with its question
    assert "| Feiten in het antwoord (answer_fact_recall) | 0,750 | 0,500 | -0,250 |" in text
    assert "| Juiste bron gevonden (hit@5) | 1,000 | 1,000 | gelijk |" in text
    assert "- answer_fact_recall:" not in text
    flips = (
        "**Nu geslaagd (1)**\n\n- omvang: Hoeveel zorgreservisten? (niet geslaagd → geslaagd)\n\n"
        '**Nu niet geslaagd (1)**\n\n- kwaad: Wat doet &lt;script&gt;alert("x")&lt;/script&gt; | hier? '
        "(geslaagd → niet geslaagd)\n\nNieuwe vragen: uurloon\n\nVerdwenen vragen: oud"
    )
    assert text.endswith(flips)
    with pytest.raises(ValueError):
        comparing.compare(["geen", "rapport"], report)  # type: ignore[arg-type]


def test_compare_with_an_identical_run_reports_no_flips():
    report = build_report()
    same = comparing.compare(json.loads(reports.to_json(report)), report, "zelfde.json")
    assert all(d.delta == 0 for d in same.deltas)
    assert comparing.comparison_markdown(same).endswith("Geen vragen veranderd van uitslag.")


def test_terminal_summary_lists_metrics_and_failures():
    text = reports.terminal_summary(build_report(), max_failures=0)
    lines = text.splitlines()
    assert lines[:3] == [
        "Vragenset: evals/vragen.yaml",
        "3 vragen, 2 geslaagd (67%)",
        "  context_fact_recall@5  0,500",
    ]
    assert text.endswith("Niet geslaagd:\n… en nog 1 (zie het rapport)")


def test_a_metric_no_case_applied_to_reads_niet_gemeten():
    case = Case("uurloon", "Wat verdient een zorgreservist?", answerable=False)
    result = score_case(case, Observation(texts.NOT_IN_KNOWLEDGE, True, latency_ms=20.0))
    report = EvalReport(summarise([result]), [result], 5, "alleen-weigeren.yaml")
    assert "citation_precision" not in report.summary
    rows = {name: value for name, value, _ in reports.summary_rows(report)}
    assert rows["citation_precision"] is None and rows["refusal_accuracy"] == 1.0
    assert "faithfulness" not in rows  # only shown when a judge ran
    assert "  citation_precision     niet gemeten" in reports.terminal_summary(report)
    assert "| Juiste bronnen geciteerd (citation_precision) | niet gemeten |" in reports.to_markdown(report)
    assert "<td>hit@5</td><td class=num>niet gemeten</td>" in reports.to_html(report)
    assert scoring.number("hit@5", float("nan")) == scoring.number("hit@5", None) == "niet gemeten"


def test_compare_treats_a_missing_or_nan_old_value_as_not_measured():
    report = build_report()
    old = {"summary": {"hit@5": float("nan"), "answer_fact_recall": "veel"}, "cases": []}
    comparison = comparing.compare(old, report, "oud.json")
    deltas = {d.name: d for d in comparison.deltas}
    assert deltas["hit@5"].old is None and deltas["hit@5"].delta is None
    text = comparing.comparison_markdown(comparison)
    assert "| Juiste bron gevonden (hit@5) | niet gemeten | 1,000 | – |" in text
    assert "| Feiten in het antwoord (answer_fact_recall) | niet gemeten | 0,500 | – |" in text


def test_markdown_keeps_links_and_images_inert():
    report = build_report()
    link = "Zie [hier](https://kwaad.example) en ![img](https://kwaad.example/x.png)"
    case = replace(report.cases[0], question=link, reasons=[f"geciteerd: {link}"])
    text = reports.to_markdown(replace(report, cases=[case]))
    row = next(line for line in text.splitlines() if line.startswith("| omvang |"))
    assert "](" not in row.replace("\\](", "")
    assert "![" not in row
    assert "Zie \\[hier\\](https://kwaad.example)" in row
