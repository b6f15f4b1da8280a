"""The `wibb` command line, run in-process with the whole output asserted."""

from __future__ import annotations

import json
import re

import pytest
from conftest import TINY

from assistant.cli import main


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("WIBB_EMBED_BACKEND", "fake")
    monkeypatch.setenv("WIBB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WIBB_KNOWLEDGE_DIR", str(TINY))
    return tmp_path


def test_help_lists_commands_with_examples(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for command in ("ingest", "ask", "chat", "config", "serve"):
        assert command in out
    assert 'wibb ask "Hoeveel zorgreservisten zijn er?"' in out


def test_ingest_prints_a_summary_and_second_run_changes_nothing(env, capsys):
    assert main(["ingest"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(
        r"Klaar in \d+\.\d s: 6 documenten \(6 nieuw of gewijzigd, 0 verwijderd\), 15 tekstdelen "
        r"\(15 toegevoegd, 0 ongewijzigd, 0 verwijderd\), 20 zinnen ingebed\. "
        r"Model: fake:hashed-stems \(512d\)\. "
        r"Zoekwoordenindex opgebouwd \(15 tekstdelen geteld\): \S+/data/lexical/wibb\n",
        out,
    )
    assert main(["ingest"]) == 0
    again = capsys.readouterr().out
    assert "15 tekstdelen (0 toegevoegd, 15 ongewijzigd, 0 verwijderd), 0 zinnen ingebed" in again
    assert again.endswith(f"Zoekwoordenindex was al bij: {env / 'data' / 'lexical' / 'wibb'}\n")


def test_ingest_of_a_changed_file_counts_only_its_chunks_for_the_lexical_index(env, tmp_path, capsys):
    import shutil

    folder = tmp_path / "kennis"
    shutil.copytree(TINY, folder)
    assert main(["ingest", "--knowledge", str(folder)]) == 0
    path = folder / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3600 ingeschreven"))
    capsys.readouterr()
    assert main(["ingest", "--knowledge", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "15 tekstdelen (1 toegevoegd, 14 ongewijzigd, 1 verwijderd)" in out
    assert out.endswith(
        f"Zoekwoordenindex bijgewerkt (1 van de 15 tekstdelen opnieuw geteld): {env / 'data' / 'lexical' / 'wibb'}\n"
    )


def test_ingest_reports_bad_files_in_dutch(env, tmp_path, capsys):
    folder = tmp_path / "k"
    folder.mkdir()
    (folder / "kapot.md").write_text("---\nid: kapot\ntitel: [x\n---\ntekst")
    assert main(["ingest", "--knowledge", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.err == "Let op: kapot.md: de front matter is geen geldige YAML (regel 2) (overgeslagen)\n"
    assert "0 documenten" in captured.out


def test_ask_before_ingest_says_what_to_do(env, capsys):
    assert main(["ask", "Wat is de matcher?"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "Er is nog geen index. Voer eerst `python ingest.py` uit (of `wibb ingest`).\n"


def test_ask_prints_answer_knoppen_cases_and_sources(env, capsys):
    main(["ingest"])
    capsys.readouterr()
    assert main(["ask", "Hoeveel zorgreservisten zijn er ingeschreven?"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Eind 2023 telde de Nationale Zorgreserve 3500 ingeschreven zorgreservisten")
    assert "Knoppen om aan te draaien: Knop 1: de matcher, Knop 4: laagdrempeligheid" in lines
    assert any(line.startswith("Voorbeelden uit de praktijk: Nationale Zorgreserve") for line in lines)
    assert "Bronnen:" in lines
    assert any(
        line.startswith(
            "[1] Nationale Zorgreserve – Omvang (zorgreserve) · Verslag bijeenkomst 1 (aanjagers), peildatum 2024-06"
        )
        for line in lines
    )


def test_ask_json_has_the_documented_shape(env, capsys):
    main(["ingest"])
    capsys.readouterr()
    assert main(["ask", "Hoeveel zorgreservisten zijn er ingeschreven?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"answer", "refused", "citations", "knoppen", "cases", "retrieved", "latency_ms"} <= set(data)
    assert data["refused"] is False and "3500" in data["answer"]
    assert data["citations"][0]["id"] == "zorgreserve" and data["citations"][0]["n"] == 1
    assert set(data["citations"][0]) >= {"n", "id", "title", "source", "quote"}
    assert set(data["retrieved"][0]) >= {"id", "score", "text"}
    assert data["latency_ms"] > 0


def test_ask_refuses_off_topic_and_filters_by_sector(env, capsys):
    main(["ingest"])
    capsys.readouterr()
    assert main(["ask", "Wat is de hoofdstad van Australië?", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["refused"] is True and data["citations"] == []
    assert main(["ask", "zorgreservisten", "--sector", "onderwijs", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "zorgreserve" not in {r["id"] for r in data["retrieved"]}


def test_the_wibb_command_prints_the_whole_answer_and_its_exit_code_before_it_ends_at_once(env):
    """`wibb` (`assistant.cli:run`, here as `python -m assistant.cli`) ends `ask` without Python's shutdown:
    what was printed must all arrive, and the exit code must be the command's."""
    import os
    import subprocess
    import sys

    def wibb(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args],
            # buffered output, as in a pipe: only a flush before the end brings it out
            env={
                **{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},
                "WIBB_READER_BACKEND": "none",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )

    before = wibb("ask", "Wat is de matcher?")
    assert before.returncode == 1 and "wibb ingest" in before.stderr and before.stdout == ""
    assert wibb("ingest").returncode == 0
    done = wibb("ask", "Hoeveel zorgreservisten zijn er ingeschreven?", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)  # the whole document, flushed before the process ended
    assert "3500" in data["answer"] and data["citations"][0]["id"] == "zorgreserve"


def test_ask_with_an_empty_question_gives_a_dutch_message(env, capsys):
    main(["ingest"])
    capsys.readouterr()
    assert main(["ask", "   "]) == 1
    assert capsys.readouterr().err.startswith("Je vraag is leeg.")


def test_chat_keeps_context_between_questions(env, capsys, monkeypatch):
    main(["ingest"])
    capsys.readouterr()
    questions = iter(["Wie was de aanjager voor defensie?", "En voor de zorg?", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(questions))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Stel je vraag over werken in breder belang.")
    assert "Gezocht op: Wie was de aanjager voor de zorg?" in out
    assert "Patrick Schrooten" in out
    assert out.rstrip().endswith("Tot ziens.")


def test_config_masks_secrets_and_describes_fields(env, capsys, monkeypatch):
    monkeypatch.setenv("WIBB_LLM_API_KEY", "geheim-123")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "geheim-123" not in out
    assert re.search(r"^llm\.api_key\s+\*{8}$", out, re.M)
    assert re.search(r"^embedding\.backend\s+fake$", out, re.M)
    assert "Embeddingmotor" in out


def test_a_bad_setting_is_named_in_dutch_without_a_traceback(env, capsys, monkeypatch):
    monkeypatch.setenv("WIBB_TOP_K", "veel")
    assert main(["config"]) == 1
    assert capsys.readouterr().err == "Ongeldige instelling WIBB_TOP_K: ongeldige waarde 'veel'\n"


def test_usage_errors_are_dutch(capsys):
    with pytest.raises(SystemExit) as done:
        main(["ask"])
    assert done.value.code == 2
    assert capsys.readouterr().err.endswith("wibb ask: fout: deze argumenten ontbreken: VRAAG\n")


def test_ask_with_a_sector_keeps_everything_shown_within_it_or_says_it_found_nothing_there(env, capsys):
    main(["ingest"])
    capsys.readouterr()
    assert main(["ask", "Ik ben leraar, kan ik ook iets in de zorg doen?", "--sector", "zorg", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    shown = {c["id"] for c in data["citations"]} | {k["id"] for k in data["knoppen"] + data["cases"]}
    assert "zorgreserve" in shown and "techdocent" not in shown  # techdocent is onderwijs and techniek
    assert main(["ask", "Hoeveel zorgreservisten zijn er ingeschreven?", "--sector", "onderwijs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "In de sector onderwijs vond ik hier niets over, maar elders in de kennisbank wel."
    assert (
        lines[-1] == "Vraag het zonder --sector en --soort om het antwoord uit de hele kennisbank te krijgen."
    )
    assert "Bronnen:" not in lines and not any("Nationale Zorgreserve" in line for line in lines)
