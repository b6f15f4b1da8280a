"""The optional language model: prompts, citation checks, streaming, follow-ups and every fallback.

Pure reading of replies and the assistant with `ScriptedLLM` first; then the real llama-index clients
(OpenAI-compatible and Ollama) end to end against a scripted HTTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
from fake_llm_server import FakeLLMServer, Pause, Raw, Reply

from assistant import texts
from assistant.answering.assistant import Assistant
from assistant.answering.chat import Conversation
from assistant.config import LLMSettings
from assistant.errors import ConfigError, LanguageModelError
from assistant.llm import prompts
from assistant.llm.clients import completion_function, create_llm
from assistant.llm.fake import ScriptedLLM
from assistant.llm.prompts import read_answer, read_query

QUESTION = "Hoeveel zorgreservisten staan er ingeschreven?"
MARK = texts.UNCITED_MARK


def with_model(assistant: Assistant, model: object) -> Assistant:
    return Assistant(assistant.retriever, min_evidence=assistant.min_evidence, llm=model)


# -- reading replies (pure) -----------------------------------------------------------------------


def test_out_of_range_numbers_are_dropped_and_the_rest_renumbered_by_first_use():
    reading = read_answer(
        "Er zijn 3500 reservisten [3]. Dat zijn er heel veel [9]. Zij helpen zorg [1][3].", k=5
    )
    assert (
        reading.text == f"Er zijn 3500 reservisten [1]. Dat zijn er heel veel.{MARK} Zij helpen zorg [2][1]."
    )
    assert reading.order == (3, 1)
    assert (reading.dropped, reading.uncited, reading.refused) == (1, 1, False)


def test_long_numbers_in_brackets_are_checked_like_any_other_marker():
    reading = read_answer(
        "Er zijn 3500 reservisten [1]. Dat zijn er 40 [1000]. Zie ook het verslag [2023].", k=5
    )
    assert reading.text == f"Er zijn 3500 reservisten [1]. Dat zijn er 40.{MARK} Zie ook het verslag.{MARK}"
    assert (reading.dropped, reading.uncited) == (2, 2)


def test_grouped_and_named_markers_are_read_and_duplicates_collapse():
    reading = read_answer(
        "De matcher brengt vraag en aanbod samen [2, 4]. Zo werkt het echt [bron 2][2].", k=4
    )
    assert reading.text == "De matcher brengt vraag en aanbod samen [1][2]. Zo werkt het echt [1]."
    assert reading.order == (2, 4)


def test_a_citation_after_the_full_stop_counts_for_that_sentence():
    reading = read_answer("De reserve bestaat sinds corona. [1] Hij telt nu 4000 mensen [2].", k=2)
    assert reading.uncited == 0
    assert reading.sentences == (
        ("De reserve bestaat sinds corona.", (1,)),
        ("Hij telt nu 4000 mensen.", (2,)),
    )


def test_list_intros_short_bits_and_abbreviations_are_not_flagged():
    reply = (
        "Dit kun je doen:\n- Meld je aan bij de reserve [1].\n- Vraag o.a. Defensie om verlof [2].\nSucces!"
    )
    reading = read_answer(reply, k=2)
    assert reading.text == reply
    assert reading.uncited == 0


def test_the_model_scratchpad_and_its_own_source_list_are_removed():
    reply = "<think>eerst nadenken</think>Het kan wel degelijk [1].\n\nBronnen:\n[1] Nationale Zorgreserve"
    assert read_answer(reply, k=1).text == "Het kan wel degelijk [1]."


def test_the_refusal_sentence_without_citations_is_a_refusal():
    assert read_answer(f"**{texts.NOT_IN_KNOWLEDGE}**", k=3).refused
    assert not read_answer(f"{texts.NOT_IN_KNOWLEDGE} Wel weet ik dat de reserve groeit [1].", k=3).refused


@pytest.mark.parametrize(
    "reply",
    [
        "Eind 2023 waren er 3500 reservisten [7]. Dat is veel. [1] Je kunt je o.a. via de site melden [2].",
        "Eerst dit [1][2]. Dan nog een zin zonder bron. Daarna:\n- punt een [3]\n- punt twee\nKlaar [1].",
    ],
)
def test_readings_of_a_growing_reply_only_grow(reply):
    """What the terminal has printed never needs to be taken back."""
    final = read_answer(reply, k=3).text
    previous = ""
    for end in range(1, len(reply) + 1):
        shown = read_answer(reply[:end], k=3, final=False).text
        assert shown.startswith(previous), (previous, shown)
        assert final.startswith(shown)
        previous = shown


def test_a_condensed_query_is_the_first_line_without_label_or_quotes():
    assert read_query('Zoekvraag: "Hoeveel zorgreservisten telt de reserve?"\nUitleg...') == (
        "Hoeveel zorgreservisten telt de reserve?"
    )
    assert read_query("   \n") is None
    assert read_query("?!") is None
    assert read_query("x" * 400) is None


def test_answer_prompt_is_dutch_with_numbered_passages_and_the_refusal_sentence(assistant):
    hits = assistant.answer(QUESTION).retrieved
    prompt = prompts.answer_prompt(QUESTION, [h.chunk for h in hits], ["Knop 1: de matcher"], [], ["Eerder?"])
    for n, hit in enumerate(hits, 1):
        assert f"[{n}] {hit.chunk.heading_path}" in prompt.user
        assert hit.chunk.text.strip() in prompt.user
    assert f"[{len(hits) + 1}]" not in prompt.user
    assert (
        f"Vraag: {QUESTION}" in prompt.user
        and "Knop 1: de matcher" in prompt.user
        and "Eerder?" in prompt.user
    )
    assert texts.NOT_IN_KNOWLEDGE in prompt.system
    assert (
        "blokhaken" in prompt.system and "knoppen" in prompt.system and "$" not in prompt.system + prompt.user
    )


# -- the assistant with a scripted model -----------------------------------------------------------


def test_generated_answer_cites_only_used_passages_renumbered_in_text_and_data(assistant):
    hits = assistant.answer(QUESTION).retrieved
    model = ScriptedLLM(
        ["Er staan 3500 zorgreservisten ingeschreven [1]. Met een zorgdiploma kan het [2][9]."]
    )
    answer = with_model(assistant, model).answer(QUESTION)
    assert answer.generated and answer.complete and not answer.refused and not answer.notice
    assert answer.text == "Er staan 3500 zorgreservisten ingeschreven [1]. Met een zorgdiploma kan het [2]."
    assert [c.n for c in answer.citations] == [1, 2]
    assert [c.chunk_id for c in answer.citations] == [hits[0].chunk.id, hits[1].chunk.id]
    assert "3500" in answer.citations[0].quote
    assert answer.timings_ms["llm_ms"] > 0


def test_renumbering_follows_the_text_not_the_prompt(assistant):
    hits = assistant.answer(QUESTION).retrieved
    answer = with_model(
        assistant, ScriptedLLM(["Iets over de techdocent [4]. En dan de reserve [1]."])
    ).answer(QUESTION)
    assert answer.text == "Iets over de techdocent [1]. En dan de reserve [2]."
    assert [c.chunk_id for c in answer.citations] == [hits[3].chunk.id, hits[0].chunk.id]


def test_first_snapshot_carries_every_passage_before_the_first_token(assistant):
    model = ScriptedLLM(["Er staan 3500 zorgreservisten ingeschreven [2]."])
    snapshots = list(with_model(assistant, model).stream(QUESTION))
    first, last = snapshots[0], snapshots[-1]
    assert first.text == "" and not first.complete
    assert [c.chunk_id for c in first.citations] == [h.chunk.id for h in first.retrieved]
    assert first.knoppen and first.cases
    assert len(snapshots) > 3 and all(not s.complete for s in snapshots[:-1])
    middle = snapshots[-2]
    assert middle.citations[0].chunk_id == first.citations[1].chunk_id  # [2] in the prompt is [1] as shown
    assert last.complete and [c.chunk_id for c in last.citations] == [first.citations[1].chunk_id]


def test_the_model_saying_the_refusal_sentence_gives_a_refused_answer(assistant):
    answer = with_model(assistant, ScriptedLLM([texts.NOT_IN_KNOWLEDGE])).answer(QUESTION)
    assert answer.refused and answer.text == texts.NOT_IN_KNOWLEDGE
    assert answer.citations == () and answer.nearest[0].id == "zorgreserve"


def test_weak_evidence_is_refused_without_asking_the_model(assistant):
    model = ScriptedLLM()
    answer = with_model(assistant, model).answer("Wat is de hoofdstad van Frankrijk?")
    assert answer.refused and model.prompts == []


def test_a_failure_after_some_tokens_falls_back_to_the_extractive_answer_with_a_notice(assistant):
    extractive = assistant.answer(QUESTION)
    model = ScriptedLLM([["Er staan ", "3500 [1]. ", "Verder", LanguageModelError("timeout")]])
    snapshots = list(with_model(assistant, model).stream(QUESTION))
    assert any(s.generated and s.text.startswith("Er staan 3500 [1].") for s in snapshots)
    reset = next(i for i, s in enumerate(snapshots) if s.notice)
    assert snapshots[reset].text == "" and not snapshots[reset].generated
    final = snapshots[-1]
    assert final.notice == texts.LLM_FALLBACK["timeout"]
    assert final.text == extractive.text and final.citations == extractive.citations and final.complete


@pytest.mark.parametrize("reply", ["", "Ik weet het eigenlijk ook niet zo goed.", "[8] [9]"])
def test_a_reply_without_any_valid_citation_is_garbage_and_falls_back(assistant, reply):
    answer = with_model(assistant, ScriptedLLM([reply])).answer(QUESTION)
    assert answer.notice == texts.LLM_FALLBACK["garbage"]
    assert not answer.generated and "[1]" in answer.text


def test_follow_up_is_condensed_by_the_model_into_the_search_query(assistant):
    conversation = Conversation()
    conversation.add("Wat doet een matcher?", "Een matcher brengt vraag en aanbod samen [1].")
    model = ScriptedLLM(["Zoekvraag: Hoeveel zorgreservisten staan er ingeschreven?", "Er zijn er 3500 [1]."])
    answer = with_model(assistant, model).answer("En bij de zorgreserve, hoeveel zijn dat er?", conversation)
    assert answer.query == "Hoeveel zorgreservisten staan er ingeschreven?"
    condense = model.prompts[0]
    assert "Gebruiker: Wat doet een matcher?" in condense.user
    assert "Assistent: Een matcher brengt vraag en aanbod samen." in condense.user
    assert "En bij de zorgreserve, hoeveel zijn dat er?" in condense.user and "zoekvraag" in condense.system
    assert "Eerdere vragen in dit gesprek: Wat doet een matcher?" in model.prompts[1].user


@pytest.mark.parametrize("failure", [LanguageModelError("unreachable"), "", "???"])
def test_a_failed_condense_falls_back_to_the_rule_based_query(assistant, failure):
    conversation = Conversation()
    conversation.add("Wat doet een matcher?", "")
    question = "En hoe zit dat bij de zorgreserve?"
    answer = with_model(assistant, ScriptedLLM([failure])).answer(question, conversation)
    assert answer.query == assistant.follow_up(question, conversation).query != question


def test_the_fake_backend_gives_a_grounded_demo_answer(assistant):
    answer = with_model(assistant, create_llm(LLMSettings(backend="fake"))).answer(QUESTION)
    assert answer.generated and answer.text.endswith("[2].") and len(answer.citations) == 2


def test_backends_need_a_model_name_and_a_judge_needs_a_backend():
    with pytest.raises(ConfigError, match=r"llm\.model"):
        create_llm(LLMSettings(backend="openai"))
    with pytest.raises(ConfigError, match=r"llm\.backend"):
        completion_function(LLMSettings(backend="none"))
    assert completion_function(LLMSettings(backend="fake"))("Zeg iets.") == ""


# -- real clients against a scripted server on 127.0.0.1 ------------------------------------------


@pytest.fixture
def server():
    running = FakeLLMServer().start()
    yield running
    running.stop()


def openai_settings(url: str, timeout: float = 5.0) -> LLMSettings:
    return LLMSettings(
        backend="openai", model="fake-model", base_url=f"{url}/v1", api_key="geheim", timeout=timeout
    )


def dead_url() -> str:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_openai_backend_streams_a_verified_answer_end_to_end(assistant, server):
    hits = assistant.answer(QUESTION).retrieved
    server.enqueue("Er staan 3500 zorgreservisten ingeschreven [1]. Dat groeit snel [7]. Zie ook [3].")
    snapshots = list(with_model(assistant, create_llm(openai_settings(server.url))).stream(QUESTION))
    final = snapshots[-1]
    assert (
        final.text == f"Er staan 3500 zorgreservisten ingeschreven [1]. Dat groeit snel.{MARK} Zie ook [2]."
    )
    assert [c.chunk_id for c in final.citations] == [hits[0].chunk.id, hits[2].chunk.id]
    assert len(snapshots) > 5 and final.generated
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["stream"] is True and request["model"] == "fake-model"
    assert request["authorization"] == "Bearer geheim"
    system, user = request["messages"]
    assert system["role"] == "system" and texts.NOT_IN_KNOWLEDGE in system["content"]
    assert user["content"].startswith("Passages uit de kennisbank:\n\n[1] Nationale Zorgreserve")
    assert f"[{len(hits)}] " in user["content"] and f"Vraag: {QUESTION}" in user["content"]


@pytest.mark.slow
def test_openai_backend_as_a_judge_uses_a_plain_completion(server):
    server.enqueue(Reply("ja"))
    assert completion_function(openai_settings(server.url))("Klopt dit? Antwoord ja of nee.") == "ja"
    assert server.requests[0]["stream"] is False
    assert server.requests[0]["messages"] == [{"role": "user", "content": "Klopt dit? Antwoord ja of nee."}]


@pytest.mark.slow
def test_openai_follow_up_is_condensed_and_shown_as_the_query(assistant, server):
    server.enqueue("Hoeveel zorgreservisten staan er ingeschreven?", "Er zijn 3500 zorgreservisten [1].")
    conversation = Conversation()
    conversation.add("Wat is de Nationale Zorgreserve?", "Een reserveleger voor de zorg [1].")
    answer = with_model(assistant, create_llm(openai_settings(server.url))).answer(
        "Hoeveel zijn dat er?", conversation
    )
    assert answer.query == "Hoeveel zorgreservisten staan er ingeschreven?" and answer.generated
    assert server.requests[0]["stream"] is False and server.requests[1]["stream"] is True


@pytest.mark.slow
def test_unreachable_server_falls_back_at_once(assistant):
    started = time.perf_counter()
    answer = with_model(assistant, create_llm(openai_settings(dead_url()))).answer(QUESTION)
    assert answer.notice == texts.LLM_FALLBACK["unreachable"]
    assert "3500" in answer.text and not answer.generated
    assert time.perf_counter() - started < 5


@pytest.mark.slow
def test_slow_server_times_out_and_is_not_asked_again_right_away(assistant, server):
    server.enqueue(Reply("Te laat [1].", delay=5))
    model = create_llm(openai_settings(server.url, timeout=0.3))
    started = time.perf_counter()
    answer = with_model(assistant, model).answer(QUESTION)
    assert answer.notice == texts.LLM_FALLBACK["timeout"] and "3500" in answer.text
    again = with_model(assistant, model).answer(QUESTION)
    assert again.notice == texts.LLM_FALLBACK["timeout"]
    assert time.perf_counter() - started < 3 and len(server.requests) == 1


@pytest.mark.slow
def test_a_stream_that_stalls_after_some_tokens_falls_back_cleanly(assistant, server):
    server.enqueue(
        Reply(pieces=["Er staan ", "3500 zorgreservisten [1]. ", "Verder ", Pause(5), "nog iets."])
    )
    snapshots = list(
        with_model(assistant, create_llm(openai_settings(server.url, timeout=0.3))).stream(QUESTION)
    )
    assert any(s.generated and "3500 zorgreservisten [1]." in s.text for s in snapshots)
    assert snapshots[-1].notice == texts.LLM_FALLBACK["timeout"] and not snapshots[-1].generated


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reply", "code"),
    [
        (Reply(pieces=["Er staan ", Raw(b"data: {kapot\n\n")]), "garbage"),
        (Reply(body=b"<html>Dit is geen model</html>"), "garbage"),
        (Reply("Bla bla bla zonder enige bron."), "garbage"),
        (Reply(status=500, body=b'{"error": {"message": "model not loaded"}}'), "error"),
    ],
)
def test_garbage_and_server_errors_fall_back_with_their_notice(assistant, server, reply, code):
    server.enqueue(reply)
    answer = with_model(assistant, create_llm(openai_settings(server.url))).answer(QUESTION)
    assert answer.notice == texts.LLM_FALLBACK[code]
    assert "3500" in answer.text and answer.citations


@pytest.mark.slow
def test_ollama_backend_streams_ndjson_end_to_end(assistant, server):
    server.enqueue("Er staan 3500 zorgreservisten ingeschreven [1]. Zonder bron dit.")
    settings = LLMSettings(backend="ollama", model="llama3.1:8b", base_url=server.url, temperature=0.2)
    answer = with_model(assistant, create_llm(settings)).answer(QUESTION)
    assert answer.text == f"Er staan 3500 zorgreservisten ingeschreven [1]. Zonder bron dit.{MARK}"
    request = server.requests[0]
    assert request["path"] == "/api/chat" and request["model"] == "llama3.1:8b"
    assert request["options"]["temperature"] == 0.2 and request["options"]["num_ctx"] == 8192
    assert request["messages"][1]["content"].startswith("Passages uit de kennisbank:")
    assert len(server.requests) == 1  # context window given: no /api/show round trip


@pytest.mark.slow
def test_ollama_backend_unreachable_falls_back(assistant):
    settings = LLMSettings(backend="ollama", model="llama3.1:8b", base_url=dead_url())
    answer = with_model(assistant, create_llm(settings)).answer(QUESTION)
    assert answer.notice == texts.LLM_FALLBACK["unreachable"]


# -- the command line --------------------------------------------------------------------------------


def cli_env(monkeypatch, tiny_index, url: str | None) -> list[str]:
    monkeypatch.setenv("WIBB_EMBED_BACKEND", "fake")
    if url:
        monkeypatch.setenv("WIBB_LLM", "openai")
        monkeypatch.setenv("WIBB_LLM_MODEL", "fake-model")
        monkeypatch.setenv("WIBB_LLM_BASE_URL", f"{url}/v1")
    return ["--data-dir", str(tiny_index.data_dir)]


@pytest.mark.slow
def test_wibb_ask_streams_the_generated_answer_with_its_sources(monkeypatch, tiny_index, server, capsys):
    from assistant.cli import main

    server.enqueue("Er staan 3500 zorgreservisten ingeschreven [1]. Dat groeit snel [6].")
    assert main([*cli_env(monkeypatch, tiny_index, server.url), "ask", QUESTION]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Er staan 3500 zorgreservisten ingeschreven [1]. Dat groeit snel.{MARK}\n")
    assert "\nBronnen:\n[1] Nationale Zorgreserve – Omvang (zorgreserve)" in out
    assert "[2]" not in out and "Knoppen om aan te draaien: Knop 1: de matcher" in out


@pytest.mark.slow
def test_wibb_ask_json_gives_the_generated_answer_without_streaming(monkeypatch, tiny_index, server, capsys):
    from assistant.cli import main

    server.enqueue("Er staan 3500 zorgreservisten ingeschreven [1].")
    assert main([*cli_env(monkeypatch, tiny_index, server.url), "ask", QUESTION, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["answer"] == "Er staan 3500 zorgreservisten ingeschreven [1]."
    assert [c["n"] for c in data["citations"]] == [1] and data["notice"] == ""


@pytest.mark.slow
def test_wibb_ask_prints_the_notice_and_the_extractive_answer_when_the_model_is_down(
    monkeypatch, tiny_index, capsys
):
    from assistant.cli import main

    assert main([*cli_env(monkeypatch, tiny_index, dead_url()), "ask", QUESTION]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        texts.LLM_FALLBACK["unreachable"] + "\nEind 2023 telde de Nationale Zorgreserve 3500"
    )
    assert "Traceback" not in out and "\nBronnen:\n[1]" in out


def test_wibb_ask_with_a_model_backend_but_no_model_name_says_what_to_set(monkeypatch, tiny_index, capsys):
    from assistant.cli import main

    args = cli_env(monkeypatch, tiny_index, "http://127.0.0.1:9")
    monkeypatch.delenv("WIBB_LLM_MODEL")
    assert main([*args, "ask", QUESTION]) == 1
    assert "WIBB_LLM_MODEL" in capsys.readouterr().err


def test_wibb_ask_without_a_model_stays_offline_and_extractive(monkeypatch, tiny_index, capsys):
    from assistant.cli import main

    assert main([*cli_env(monkeypatch, tiny_index, None), "ask", QUESTION]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Eind 2023 telde de Nationale Zorgreserve 3500") and "taalmodel" not in out


@pytest.mark.slow
def test_wibb_chat_streams_and_shows_the_condensed_query(monkeypatch, tiny_index, server, capsys):
    from assistant.cli import main

    server.enqueue(
        "De matcher brengt vraag en aanbod samen [1].",
        "Hoeveel zorgreservisten telt de Nationale Zorgreserve?",
        "Er staan 3500 zorgreservisten ingeschreven [1].",
    )
    answers = iter(["Wat doet een matcher?", "En hoeveel reservisten zijn er?", ""])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    assert main([*cli_env(monkeypatch, tiny_index, server.url), "chat"]) == 0
    out = capsys.readouterr().out
    assert "\nWiBB-assistent: De matcher brengt vraag en aanbod samen [1].\n" in out
    assert texts.SEARCHED_FOR.format(query="Hoeveel zorgreservisten telt de Nationale Zorgreserve?") in out
    assert "\nWiBB-assistent: Er staan 3500 zorgreservisten ingeschreven [1].\n" in out
    assert out.rstrip().endswith("Tot ziens.")
