"""The web app without a browser: pure conversions, handlers with the fake assistant, and the API of a
launched app through gradio_client."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from pathlib import Path

import pytest
from builders import make_chunk
from conftest import fake_settings
from pydantic import SecretStr

from assistant import texts
from assistant.answering.answer import Answer, DocLink
from assistant.answering.assistant import Assistant
from assistant.answering.rendering import source_line
from assistant.config import WebSettings
from assistant.core.documents import Chunk, SourceRef, safe_url
from assistant.core.results import Citation
from assistant.errors import ConfigError, LanguageModelError, QuestionSetError
from assistant.evaluation import reports
from assistant.feedback.store import DISLIKE, LIKE
from assistant.web import eval_tab as webeval
from assistant.web import records
from assistant.web import session as webapp
from assistant.web.app import WebApp
from assistant.web.messages import (
    ChatTurn,
    answer_messages,
    conversation_for,
    turn_for_index,
    user_message,
)
from assistant.web.views import (
    card_text,
    check_login,
    document_markdown,
    filters_from,
    parse_auth,
)

W = texts.WEB
EVIL = '<script>alert(1)</script> <img src=x onerror="alert(2)"> [klik](javascript:alert(3))'


def citation(**fields) -> Citation:
    values = dict(n=1, doc_id="zorgreserve", chunk_id="c1", titel="Nationale Zorgreserve",
                  heading="Omvang", source="Verslag", url=None, peildatum="2024-06",
                  quote="Er zijn 3500 zorgreservisten.")  # fmt: skip
    return Citation(**{**values, **fields})


def chunk(**fields) -> Chunk:
    values = dict(id="c1", doc_id="x", titel="Titel", heading=(), text="Tekst.", position=0, soort="casus",
                  sector=("zorg",), doelgroep=("professional",), knoppen=(), bronnen=(), peildatum="2024-06",
                  path="x.md")  # fmt: skip
    return make_chunk(**{**values, **fields})


@pytest.fixture
def web(assistant, tiny_index, tmp_path):
    """A WebApp over the shared tiny-corpus assistant, with its own feedback database."""
    return WebApp(fake_settings(tmp_path / "web"), assistant)


def ask(web: WebApp, question: str, history=(), turns=(), **filters):
    steps = list(
        web.respond(question, list(history), filters.get("sector"), filters.get("soort"), list(turns))
    )
    return steps


# -- pure conversions ---------------------------------------------------------------------------------


def test_answer_becomes_one_bubble_with_collapsible_sources_and_clickable_links():
    answer = Answer(
        question="Hoeveel?",
        text="Er zijn 3500 zorgreservisten [1].",
        citations=(citation(url="https://example.org/zr"),),
        knoppen=(DocLink("matcher", "Knop 1: de matcher", "knop"),),
        cases=(DocLink("zorgreserve", "Nationale Zorgreserve", "casus"),),
        query="Hoeveel?",
    )
    main, sources = answer_messages(answer)
    assert main["role"] == sources["role"] == "assistant"
    # the marker opens its source, the knoppen and casussen open their text: links in the bubble itself
    assert "Er zijn 3500 zorgreservisten [\\[1\\]](#wibb-bron-1)." in main["content"]
    assert "**Knoppen om aan te draaien:** [Knop 1: de matcher](#wibb-doc-matcher)" in main["content"]
    assert (
        "**Voorbeelden uit de praktijk:** [Nationale Zorgreserve](#wibb-doc-zorgreserve)" in main["content"]
    )
    assert sources["metadata"] == {"title": "Bronnen (1)", "status": "done"}
    assert "**[1] Nationale Zorgreserve – Omvang**" in sources["content"]
    assert "[Verslag](https://example.org/zr)" in sources["content"]
    assert "peildatum 2024-06" in sources["content"]
    assert "> Er zijn 3500 zorgreservisten." in sources["content"]
    assert "options" not in sources  # Gradio's options show under the last reply only
    assert "Gezocht op" not in main["content"]


def test_first_snapshot_shows_that_the_answer_is_coming_and_the_search_query():
    answer = Answer(
        question="En bij Defensie?", text="", query="En bij Defensie? (zorgreservisten)", complete=False
    )
    [main] = answer_messages(answer)
    assert main["content"].startswith("*Gezocht op: En bij Defensie? (zorgreservisten)*")
    assert W["pending"] in main["content"]


def test_language_model_notice_is_shown_above_the_answer():
    notice = texts.LLM_FALLBACK["unreachable"]
    [main] = answer_messages(Answer(question="Vraag", text="Antwoord [1].", notice=notice, query="Vraag"))
    assert main["content"].index(notice) < main["content"].index("Antwoord")


def test_text_from_documents_and_questions_is_escaped():
    answer = Answer(
        question=EVIL, text=EVIL, citations=(citation(titel=EVIL, quote=EVIL, url="javascript:alert(4)"),)
    )
    shown = " ".join(m["content"] for m in [user_message(EVIL), *answer_messages(answer)])
    assert "<script>" not in shown and "<img" not in shown
    assert "&lt;script&gt;" in shown
    assert re.search(r"(?<!\\)\]\(javascript:", shown) is None  # the Markdown link in the text is inert
    assert "javascript:alert(4)" not in shown  # a source URL that is not http(s) is not linked


def test_a_source_url_cannot_inject_a_link_or_an_image():
    url = "https://a/x)[y](javascript:z)"
    [_, sources] = answer_messages(
        Answer(question="Vraag", text="Antwoord [1].", citations=(citation(url=url),))
    )
    assert url not in sources["content"]
    assert "](javascript:" not in sources["content"] and "![" not in sources["content"]
    assert "**[1] Nationale Zorgreserve – Omvang** · Verslag ·" in sources["content"]  # shown, not linked


def test_conversation_comes_from_the_sessions_turns_not_the_rendered_bubbles():
    turns = [ChatTurn(question="Wat is <de> zorgreserve?", answer="Een reserve [1].", docs=("zorgreserve",))]
    rendered = [
        {
            "role": "user",
            "content": [{"type": "text", "text": user_message(turns[0].question)["content"]}],
        },
        {"role": "assistant", "content": [{"type": "text", "text": "*Gezocht op: iets anders*\n\nEen"}]},
    ]
    conversation = conversation_for(turns, rendered)
    assert conversation.questions == ["Wat is <de> zorgreserve?"]
    assert conversation.answers == ["Een reserve [1]."]


def test_api_callers_without_session_turns_send_their_history():
    pairs = [["Wat is de zorgreserve?", "Een reserve [1]."]]
    messages = [
        {"role": "user", "content": "Wat is de zorgreserve?"},
        {"role": "assistant", "content": "Een reserve [1]."},
        {"role": "assistant", "content": "bronnen", "metadata": {"title": "Bronnen"}},
    ]
    for history in (pairs, messages):
        conversation = conversation_for([], history)
        assert (conversation.questions, conversation.answers) == (
            ["Wat is de zorgreserve?"],
            ["Een reserve [1]."],
        )


def test_thumb_on_a_reply_maps_to_its_question():
    history = [
        {"role": "user"},
        {"role": "assistant"},
        {"role": "assistant"},
        {"role": "user"},
        {"role": "assistant"},
    ]
    assert turn_for_index(history, 1) == 0
    assert turn_for_index(history, 2) == 0
    assert turn_for_index(history, 4) == 1
    assert turn_for_index(history, [4, 0]) == 1
    assert turn_for_index(history, "x") == -1


def test_unknown_filter_values_from_the_api_are_ignored():
    filters = filters_from(["zorg", "<script>"], ["casus", "alles"])
    assert (filters.sector, filters.soort) == (("zorg",), ("casus",))


def test_document_view_is_escaped_and_links_only_http():
    chunks = [
        chunk(heading=("Omvang",), text=EVIL, bronnen=(SourceRef("Goed", "https://example.org/a"),
                                                        SourceRef("Fout", "javascript:alert(5)"))),
    ]  # fmt: skip
    shown = document_markdown(chunks)
    assert "## Titel" in shown and "### Omvang" in shown
    assert "<script>" not in shown and "<img" not in shown
    assert "[Goed](https://example.org/a)" in shown
    assert "javascript:" not in shown.replace("(javascript:alert(3))", "")  # only the escaped text keeps it
    assert "- Fout" in shown


@pytest.mark.parametrize(
    ("url", "ok"),
    [("https://example.org/x?a=1&b=%20#top", True), ("http://a.b", True), ("javascript:alert(1)", False),
     ("data:text/html,x", False), ("HTTPS://a.b", False), ("https://", False), (None, False),
     ("https://a.b/x) [y](javascript:z", False), ("https://a/x)[y](javascript:z)", False),
     ("https://ok.nl/x)[klik](javascript:x)![](http://host/p.png", False), ("https://a.b/x y", False),
     ("https://a.b/<img>", False), ('https://a.b/"x', False), ("https://a.b/'x", False),
     ("https://a.b/`x`", False), ("https://a.b/[x]", False), ("https://a.b/x\\", False),
     ("https://a.b/x\n", False), ("https://a.b/\x00", False)],
)  # fmt: skip
def test_only_plain_http_links_that_cannot_break_markdown(url, ok):
    assert safe_url(url) is ok


def test_source_line_links_only_safe_urls():
    assert source_line(citation(url="https://example.org/zr")).startswith(
        "**[1] Nationale Zorgreserve – Omvang** · [Verslag](https://example.org/zr) · "
    )
    bad = "https://ok.nl/x)[klik](javascript:alert(1))![](http://host/p.png"
    assert (
        source_line(citation(url=bad))
        == "**[1] Nationale Zorgreserve – Omvang** · Verslag · peildatum 2024-06"
    )


def test_a_card_is_plain_text_that_the_button_shows_as_text():
    # the card is the text of a button, which Gradio shows as text (the browser test checks nothing runs)
    shown = card_text(chunk(titel=EVIL, text="Tekst.", doc_id="x"), "onderwijs")
    assert shown.splitlines()[0] == EVIL and "x" not in shown.splitlines()[1:]
    assert "(sectoroverstijgend" not in shown  # only a sectoroverstijgend text says why it is listed


def test_login_settings_inline_several_or_from_a_file(tmp_path):
    assert parse_auth("") == {}
    assert parse_auth("anna:geheim") == {"anna": "geheim"}
    assert parse_auth("anna:ge:heim, bob:x") == {"anna": "ge:heim", "bob": "x"}
    path = tmp_path / "users.txt"
    path.write_text("# organisatoren\nanna:geheim\n\nbob:ook-geheim\n", encoding="utf-8")
    assert parse_auth(str(path)) == {"anna": "geheim", "bob": "ook-geheim"}
    with pytest.raises(ConfigError):
        parse_auth("zonder-wachtwoord")


def test_login_check():
    users = {"anna": "geheim"}
    assert check_login(users, "anna", "geheim")
    assert not check_login(users, "anna", "fout")
    assert not check_login(users, "bob", "geheim")
    assert not check_login({}, "", "")


# -- chat handlers with the fake assistant ---------------------------------------------------------------


def test_chat_streams_the_answer_with_sources_in_the_same_bubble(web):
    steps = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")
    assert len(steps) >= 2  # first the sources, then the text grows up to the final state
    assert steps[-1][0] != steps[-2][0]  # the final state is sent once
    first_messages = steps[0][0]
    assert first_messages[0] == {"role": "user", "content": "Hoeveel zorgreservisten zijn er ingeschreven?"}
    assert W["pending"] in first_messages[1]["content"]
    messages, box, turns, session, docs = steps[-1]
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"]
    assert "3500" in messages[1]["content"]
    assert messages[2]["metadata"]["title"].startswith("Bronnen")
    assert turns[0].cited == ("zorgreserve",)
    assert len(session) == 16
    assert ("Casus: Nationale Zorgreserve", "zorgreserve") in docs


def test_follow_up_keeps_context_and_shows_the_search_query(web):
    first = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")[-1]
    messages, _, turns, _, _ = ask(web, "En hoe zit dat bij Defensie?", first[0], first[2])[-1]
    assert len(turns) == 2
    assert turns[1].query != "En hoe zit dat bij Defensie?"
    assert "zorgreservist" in turns[1].query
    assert "Defensie" in turns[1].query  # the same question, about Defensie
    assert f"Gezocht op: {turns[1].query}" in messages[4]["content"]


def test_follow_up_context_is_the_raw_question_from_the_turns(web):
    question = "Hoeveel <b>zorgreservisten</b> [1] zijn er ingeschreven?"
    first = ask(web, question)[-1]
    assert first[2][0].question == question
    # the rendered bubbles are not read back: a follow-up without them still has the context
    *_, turns, _, _ = ask(web, "En hoe zit dat bij Defensie?", [], first[2])[-1]
    assert "zorgreservisten" in turns[1].query
    assert not {"lt", "gt", "amp"} & set(re.findall(r"\w+", turns[1].query))  # no escaped, rendered text


def test_filters_are_applied_and_remembered_for_feedback(web):
    *_, (_, _, turns, _, _) = ask(web, "Welke voorbeelden zijn er?", sector=["onderwijs"], soort=["casus"])
    assert turns[0].filters == {"sector": ["onderwijs"], "soort": ["casus"]}
    assert set(turns[0].cited) <= {"techdocent"}


def test_a_filtered_answer_says_which_filters_shaped_it(web):
    *_, (messages, *_) = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?", sector=["defensie"],
                             soort=["casus"])  # fmt: skip
    assert "*Gezocht binnen: defensie, casus*" in messages[1]["content"]
    *_, (plain, *_) = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "Gezocht binnen" not in plain[1]["content"]


def test_an_app_others_can_reach_needs_a_login(tmp_path):
    from assistant.errors import ConfigError
    from assistant.web.server import check_exposure, is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("") and not is_loopback("wibb.example.org")
    settings = fake_settings(tmp_path / "data")
    check_exposure(settings, "127.0.0.1")  # only this computer: no login needed
    with pytest.raises(ConfigError, match="WIBB_AUTH") as caught:
        check_exposure(settings, "0.0.0.0")
    assert caught.value.reason.startswith("De webapp luistert op 0.0.0.0")
    guarded = settings.model_copy(update={"web": WebSettings(auth="anna:geheim")})
    check_exposure(guarded, "0.0.0.0")


def test_app_py_takes_the_options_of_wibb_serve(tmp_path):
    import subprocess

    root = Path(__file__).resolve().parents[1]
    shown = subprocess.run([sys.executable, str(root / "app.py"), "--help"], capture_output=True, text=True,
                           timeout=60, cwd=tmp_path)  # fmt: skip
    assert shown.returncode == 0 and "--host" in shown.stdout and "--port" in shown.stdout
    assert shown.stdout.startswith("gebruik: python app.py")
    env = {**os.environ, "WIBB_DATA_DIR": str(tmp_path / "data"), "WIBB_EMBED_BACKEND": "fake",
           "WIBB_AUTH": ""}  # fmt: skip
    refused = subprocess.run([sys.executable, str(root / "app.py"), "--host", "0.0.0.0", "--port", "1"],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env)  # fmt: skip
    assert refused.returncode == 1
    assert "Ongeldige instelling WIBB_AUTH: De webapp luistert op 0.0.0.0" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_invalid_question_gets_a_dutch_message(web):
    [(messages, _, turns, _, _)] = ask(web, "   ")
    assert messages[-1]["content"] == "⚠️ " + texts.QUESTION_PROBLEMS["empty"]
    assert turns[0].answer == texts.QUESTION_PROBLEMS["empty"]


def test_missing_index_says_to_run_ingest(tmp_path):
    web = WebApp(fake_settings(tmp_path / "leeg"))
    [(messages, *_)] = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "Voer eerst `python ingest.py` uit" in messages[-1]["content"]
    assert "Voer eerst `python ingest.py` uit" in web.status()
    assert "python ingest.py" in web.browse()[3]


def test_unreachable_language_model_falls_back_and_says_so(tmp_path, assistant):
    from assistant.llm.fake import ScriptedLLM

    llm = ScriptedLLM([LanguageModelError("unreachable", "connection refused")])
    web = WebApp(fake_settings(tmp_path / "web"), Assistant(assistant.retriever, llm=llm))
    messages = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")[-1][0]
    assert texts.LLM_FALLBACK["unreachable"] in messages[1]["content"]
    assert "3500" in messages[1]["content"]


def test_language_model_answer_streams_token_by_token(tmp_path, assistant):
    from assistant.llm.fake import ScriptedLLM

    llm = ScriptedLLM(["Er zijn 3500 zorgreservisten [1]."])
    web = WebApp(fake_settings(tmp_path / "web"), Assistant(assistant.retriever, llm=llm))
    steps = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")
    texts_seen = [s[0][1]["content"] for s in steps]
    assert len(steps) >= 5
    assert any("Er zijn 3500" in t and "zorgreservisten" not in t for t in texts_seen)  # a partial answer
    assert "Er zijn 3500 zorgreservisten [\\[1\\]](#wibb-bron-1)." in texts_seen[-1]


def test_side_panel_documents_are_looked_up_once_per_answer(tmp_path, assistant, monkeypatch):
    from assistant.llm.fake import ScriptedLLM

    retriever, documents, callers = assistant.retriever, assistant.retriever.documents, []

    def counted():
        callers.append(sys._getframe(1).f_globals["__name__"])
        return documents()

    monkeypatch.setattr(retriever, "documents", counted)
    llm = ScriptedLLM(["Er zijn 3500 zorgreservisten [1]."])
    web = WebApp(fake_settings(tmp_path / "web"), Assistant(retriever, llm=llm))
    steps = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")
    assert len(steps) >= 5 and callers.count("assistant.web.chat") == 1
    assert ("Casus: Nationale Zorgreserve", "zorgreserve") in steps[-1][4]


def test_thumbs_are_stored_with_question_answer_cited_ids_and_filters(web):
    messages, _, turns, session, _ = ask(
        web, "Hoeveel zorgreservisten zijn er ingeschreven?", sector=["zorg"]
    )[-1]
    turns, message, entry_id = web.rate(messages, turns, session, 1, True)
    assert message == W["feedback_like"]
    [entry] = web.feedback.entries()
    assert (entry.id, entry.rating, entry.question) == (
        entry_id,
        LIKE,
        "Hoeveel zorgreservisten zijn er ingeschreven?",
    )
    assert "3500" in entry.answer
    assert entry.cited == ("zorgreserve",)
    assert entry.filters == {"sector": ["zorg"]}
    # changing your mind updates the same row; a comment is added to it; un-thumbing removes it
    turns, message, same_id = web.rate(messages, turns, session, 2, False)
    assert same_id == entry_id and message == W["feedback_dislike"]
    assert web.comment("   ", same_id) == (W["comment_empty"], False)
    assert web.comment("Het cijfer is oud", same_id) == (W["comment_saved"], True)
    [entry] = web.feedback.entries()
    assert (entry.rating, entry.comment) == (DISLIKE, "Het cijfer is oud")
    turns, message, none = web.rate(messages, turns, session, 1, "")
    assert none is None and web.feedback.entries() == []


def test_thumb_on_an_unknown_message_stores_nothing(web):
    assert web.rate([], [], "", 3, True) == ([], W["feedback_unknown"], None)
    assert web.comment("Toelichting", None) == (W["feedback_unknown"], False)
    assert web.feedback.entries() == []


def test_feedback_that_cannot_be_stored_says_what_to_do(web):
    messages, _, turns, session, _ = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")[-1]
    web.feedback.path.mkdir(parents=True)  # a folder where the database should be: sqlite cannot open it
    failed = "⚠️ " + W["storage_failed"].format(folder=web.settings.data_dir)
    assert web.rate(messages, turns, session, 1, True) == (turns, failed, None)
    assert web.comment("Het cijfer is oud", 1) == (failed, False)
    assert records.feedback_overview(web, False) == (failed, [], [])
    assert records.export_feedback(web, False) == (failed, [])
    assert records.dislikes_to_questions(web, [], False) == (failed, [])


def test_a_locked_feedback_database_asks_to_try_again(web, monkeypatch):
    messages, _, turns, session, _ = ask(web, "Hoeveel zorgreservisten zijn er ingeschreven?")[-1]

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(web.feedback, "add", locked)
    assert web.rate(messages, turns, session, 1, True) == (turns, "⚠️ " + W["storage_busy"], None)


def test_open_a_knop_from_an_answer(web):
    shown = web.open_document("doc:matcher")
    assert shown.startswith("## Knop 1: de matcher")
    assert W["doc_none"] == web.open_document("")
    assert W["doc_missing"] == web.open_document("bestaat-niet")


# -- casussen & knoppen ---------------------------------------------------------------------------------


def test_browse_filters_by_sector_and_kind(web):
    cards, rows, choices, count, ids = web.browse()
    assert ids == ["matcher", "laagdrempeligheid", "techdocent", "zorgreserve"]
    assert count == "4 casussen en knoppen" and len(cards) == len(rows) == 4
    assert [len(r) for r in rows] == [4] * 4  # title, kind, sectors, peildatum: people never see ids
    *_, ids = web.browse("zorg", "casus")
    assert ids == ["zorgreserve"]
    cards, _, _, _, ids = web.browse("zorg", "knop")  # cross-sector knoppen apply to every sector
    assert set(ids) == {"matcher", "laagdrempeligheid"}
    assert all("sectoroverstijgend: geldt ook voor zorg" in card for [card] in cards)  # and say why
    *_, ids = web.browse("sectoroverstijgend", "")  # the same sector choices as the chat's filter
    assert set(ids) == {"matcher", "laagdrempeligheid"}
    assert ("Casus: Nationale Zorgreserve", "zorgreserve") in choices
    assert ("Knop 1: de matcher", "matcher") in choices  # the kind once, not "Knop: Knop 1: ..."


def test_question_limited_to_one_case_or_sector(web):
    *_, (answer, _) = web.ask_scoped(
        "Hoeveel zorgreservisten zijn er ingeschreven?", "doc", "zorgreserve", ""
    )
    assert "3500" in answer
    *_, (answer, _) = web.ask_scoped("Hoeveel zorgreservisten zijn er ingeschreven?", "doc", "techdocent", "")
    assert "3500" not in answer
    assert list(web.ask_scoped("Vraag", "doc", "", "")) == [(W["scope_need_doc"], False)]
    assert list(web.ask_scoped("Vraag", "sector", "", "")) == [(W["scope_need_sector"], False)]
    *_, (answer, _) = web.ask_scoped("Welke voorbeelden zijn er?", "sector", "", "onderwijs")
    assert "techdocent" in answer.lower() or "docent" in answer.lower()


def test_the_browse_table_and_choices_read_no_texts_only_the_cards_do(web, monkeypatch):
    retriever = web.assistant().retriever
    fetched: list[str] = []
    monkeypatch.setattr(retriever, "fetch", lambda ids: fetched.extend(ids) or [])
    cards, rows, choices, _, ids = web.browse("zorg", "", cards=False)
    assert cards == [] and rows and len(rows) == len(choices) == len(ids) and fetched == []
    web.browse("zorg", "")
    assert fetched == [retriever.corpus.table.ids[retriever.corpus.table.document_rows(d)[0]] for d in ids]


def test_scoped_question_refuses_unknown_ids_and_sectors_without_caching_a_filter(web):
    corpus = web.assistant().retriever._corpus
    before = len(corpus.masks)
    for n in range(3):
        assert list(web.ask_scoped("Vraag", "doc", f"bestaat-niet-{n}", "")) == [(W["doc_missing"], False)]
    assert list(web.ask_scoped("Vraag", "sector", "", "ruimtevaart")) == [(W["scope_need_sector"], False)]
    assert len(corpus.masks) == before


# -- toetsen ------------------------------------------------------------------------------------------------


def test_organiser_handlers_need_a_login_when_one_is_configured(tmp_path, assistant, monkeypatch):
    monkeypatch.setattr(webapp, "LOGIN_DELAY_S", 0)
    settings = fake_settings(tmp_path / "web", web=WebSettings(auth=SecretStr("anna:geheim")))
    web = WebApp(settings, assistant)
    assert web.login_required
    assert records.feedback_overview(web, False)[0] == W["login_required"]
    assert records.export_feedback(web, False) == (W["login_required"], [])
    assert records.dislikes_to_questions(web, [], False) == (W["login_required"], [])
    assert webeval.run_eval(web, "vragen.yaml", None, False)[0] == W["login_required"]
    assert web.login("anna", "fout") == (False, W["login_failed"])
    assert web.login("anna", "geheim") == (True, W["login_ok"])
    assert records.feedback_overview(web, True)[0] == W["feedback_counts"].format(likes=0, dislikes=0)


def test_uploads_are_checked_for_type_and_size(web, tmp_path):
    big = tmp_path / "groot.yaml"
    big.write_bytes(b"#" * int(web.settings.web.max_upload_mb * 1_000_000 + 1))
    with pytest.raises(QuestionSetError, match="te groot"):
        webeval.read_cases(web, webeval.UPLOAD, str(big), {})
    exe = tmp_path / "vragen.exe"
    exe.write_text("x", encoding="utf-8")
    with pytest.raises(QuestionSetError, match="YAML"):
        webeval.read_cases(web, webeval.UPLOAD, str(exe), {})
    with pytest.raises(QuestionSetError, match="Upload eerst"):
        webeval.read_cases(web, webeval.UPLOAD, None, {})
    good = tmp_path / "vragen.csv"
    good.write_text(
        "id,question,expect_facts\nzr,Hoeveel zorgreservisten zijn er ingeschreven?,3500\n", encoding="utf-8"
    )
    cases, name = webeval.read_cases(web, webeval.UPLOAD, str(good), {})
    assert name == "vragen.csv" and [c.id for c in cases] == ["zr"]


def test_dislikes_become_a_question_set_download_inside_the_data_folder(web):
    first = web.feedback.add(
        rating=DISLIKE, question="Wat kost het?", answer="Dat staat niet in de kennisbank."
    )
    web.feedback.add(rating=LIKE, question="Goed", answer="Ja.")
    line, rows, choices = records.feedback_overview(web, False)
    assert line == W["feedback_counts"].format(likes=1, dislikes=1)
    assert [r[2] for r in rows] == ["👍", "👎"]
    assert choices == [(f"{first}: Wat kost het?", first)]
    _, [path] = records.dislikes_to_questions(web, [first], False)
    assert Path(path).parent == web.settings.data_dir / "exports"
    assert "Wat kost het?" in Path(path).read_text(encoding="utf-8")
    message, files = records.export_feedback(web, False)
    assert message == W["feedback_exported"].format(n=2)
    assert [Path(f).suffix for f in files] == [".csv", ".json"]
    assert all(Path(f).parent == web.settings.data_dir / "exports" for f in files)


def test_download_names_cannot_be_guessed(web):
    names = {web.export_path("feedback", ".csv").name for _ in range(20)}
    assert len(names) == 20
    for name in names:
        token = re.fullmatch(r"feedback-\d{8}-\d{6}-([A-Za-z0-9_-]+)\.csv", name)
        assert token and len(token[1]) >= 22  # 16 random bytes, base64


def test_feedback_times_are_shown_in_local_time(web, monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    try:
        assert records.local_time("2024-06-01T10:00:00+00:00") == "2024-06-01 12:00"
        assert records.local_time("2024-01-15T23:30:00+00:00") == "2024-01-16 00:30"
    finally:
        monkeypatch.undo()
        time.tzset()
    assert records.local_time("onbekend") == "onbekend"


def test_question_set_runs_with_progress_and_a_report(web, tmp_path):
    path = tmp_path / "vragen.yaml"
    path.write_text(
        "- id: zr\n  question: Hoeveel zorgreservisten zijn er ingeschreven?\n  expect_facts: [['3500']]\n"
        "  expect_sources: [zorgreserve]\n"
        "- id: weet-niet\n  question: Wat is het uurloon van een piloot?\n  answerable: false\n",
        encoding="utf-8",
    )
    calls = []
    summary, rows, files = webeval.run_eval(web, "eigen", None, False, lambda d, t: calls.append((d, t)),
                                            {"eigen": path})  # fmt: skip
    assert calls == [(1, 2), (2, 2)]
    assert rows[0][:4] == ["zr", "Hoeveel zorgreservisten zijn er ingeschreven?", "", "geslaagd"]
    assert {Path(f).suffix for f in files} == {".html", ".md", ".json", ".csv"}
    [written] = [f for f in files if f.endswith(".json")]
    hit = json.loads(Path(written).read_text(encoding="utf-8"))["summary"]["hit@5"]
    assert (
        f"| Juiste bron gevonden (hit@5) | {reports.number('hit@5', hit)} |" in summary
    )  # the report's figures


def test_a_conversation_set_runs_turn_by_turn_in_the_toetsen_tab(web, tmp_path):
    path = tmp_path / "gesprekken.yaml"
    path.write_text(
        "- id: g\n  turns:\n    - question: Wie was de aanjager voor defensie?\n"
        "      expect_facts: [['Milou Grijpink']]\n    - question: En voor de zorg?\n"
        "      expect_facts: [['Patrick Schrooten']]\n",
        encoding="utf-8",
    )
    summary, rows, _ = webeval.run_eval(web, "eigen", None, False, None, {"eigen": path})
    assert [row[:3] for row in rows] == [
        ["g/1", "Wie was de aanjager voor defensie?", ""],
        ["g/2", "En voor de zorg?", "Wie was de aanjager voor de zorg?"],
    ]
    assert "1 gesprek met samen 2 vragen" in summary and "followup_answer_fact_recall" in summary


def test_an_unusable_question_set_is_explained_in_dutch(web, tmp_path):
    exe = tmp_path / "vragen.exe"
    exe.write_text("x", encoding="utf-8")
    summary, rows, files = webeval.run_eval(web, webeval.UPLOAD, str(exe), False)
    assert summary == f"⚠️ De vragenset kan niet worden gebruikt (vragen.exe): {W['eval_bad_type']}"
    assert (rows, files) == ([], [])
    assert webeval.run_eval(web, webeval.UPLOAD, None, False)[0] == f"⚠️ {W['eval_need_file']}"
    broken = tmp_path / "kapot.yaml"
    broken.write_text("- id: a\n  vraag: x\n", encoding="utf-8")
    summary, _, _ = webeval.run_eval(web, webeval.UPLOAD, str(broken), False)
    assert summary.startswith(
        "⚠️ De vragenset kan niet worden gebruikt (kapot.yaml, vraag 'a'): onbekend veld"
    )


def test_shipped_question_sets_are_offered():
    sets = webeval.shipped_sets()
    assert "vragen.yaml" in sets
    assert webeval.set_choices(sets)[-1] == (W["eval_upload_choice"], webeval.UPLOAD)


# -- the app over HTTP --------------------------------------------------------------------------------------


def test_every_way_of_leaving_a_conversation_stops_its_answer(web):
    from assistant.web.app import build_demo

    demo = build_demo(web.assistant(), web.settings)
    loops = {i for i, fn in demo.fns.items() if fn.name == "answer"}
    assert len(loops) == 1  # every way of asking starts the same one
    leaving = {"start_new": {"click", "clear"}, "remove": {"click"}, "open_saved": {"input"}}
    for name, events in leaving.items():
        handlers = [fn for fn in demo.fns.values() if fn.name == name]
        assert {event for fn in handlers for _, event in fn.targets} == events
        for fn in handlers:
            [cancel] = [c for c in demo.fns.values() if c.is_cancel_function and c.targets == fn.targets]
            assert set(cancel.cancels) == loops


def test_every_way_of_asking_starts_one_answering_loop_run_one_at_a_time(tmp_path, assistant):
    """Two loops streaming into one browser at once each write the whole chat, and the browser applies their
    updates in no fixed order: a late update of the first loop wiped the question the second one answered."""
    from types import SimpleNamespace

    import gradio as gr

    from assistant.llm.fake import ScriptedLLM
    from assistant.web.app import build_demo

    demo = build_demo(Assistant(assistant.retriever, llm=ScriptedLLM()), fake_settings(tmp_path / "web"))
    [loop] = [fn for fn in demo.fns.values() if fn.name == "answer"]
    assert loop.trigger_mode == "always_last"  # asked for while it runs: it runs once more afterwards
    [(ticket_box, event)] = loop.targets
    assert event == "change"
    asking = [fn for fn in demo.fns.values() if ticket_box in [block._id for block in fn.outputs]]
    examples = sum(len(q) for q in texts.EXAMPLES.values())
    # Enter, the send button, a link to ask again, answering again (with a model), one per example
    assert sorted(fn.name for fn in asking) == sorted(
        ["take", "take", "ask_again", "answer_again", *["take_it"] * examples]
    )
    take = next(fn.fn for fn in asking if fn.name == "take")
    request = SimpleNamespace(session_hash="s")
    tickets = [take(q, [], [], request)[-1] for q in ("Wat doet een matcher?", "En een aanjager?")]
    assert all(tickets) and tickets[0] != tickets[1]  # the second question asks for the loop again
    assert take("  ", [], [], request)[-1] == gr.skip()  # an empty box asks nothing


def test_answers_go_four_at_a_time_and_gradio_builds_its_app_no_extra_time(web, monkeypatch):
    import gradio.routes

    from assistant.web.app import CONCURRENT_ANSWERS, build_demo

    made = []
    create_app = gradio.routes.App.create_app
    monkeypatch.setattr(
        gradio.routes.App, "create_app", lambda *a, **k: made.append(1) or create_app(*a, **k)
    )
    demo = build_demo(web.assistant(), web.settings)
    assert demo._queue.default_concurrency_limit == CONCURRENT_ANSWERS == 4
    assert len(made) == 2  # when Blocks is made and when it is closed; `demo.queue()` would make a third


GRADIO_STUBS = """
import sys
if sys.argv[1] == "skip":
    from assistant.web.server import skip_gradio_stub_writing
    skip_gradio_stub_writing()
import gradio as gr
from gradio import component_meta
with gr.Blocks() as demo:
    box = gr.Textbox(label="Vraag")
print(component_meta.create_or_modify_pyi.__module__, type(box).__name__, box.label)
"""


@pytest.mark.parametrize(
    ("how", "module"), [("skip", "assistant.web.server"), ("keep", "gradio.component_meta")]
)
def test_gradio_is_imported_without_rewriting_its_type_stubs_and_makes_components_as_before(how, module):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", GRADIO_STUBS, how], capture_output=True, text=True, check=False,
        env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [module, "Textbox", "Vraag"]


@pytest.mark.slow
def test_gradio_client_asks_and_gets_a_streamed_answer(served):
    from gradio_client import Client

    url, _ = served
    client = Client(url, verbose=False)
    job = client.submit("Hoeveel zorgreservisten zijn er ingeschreven?", [], [], [], api_name="/chat")
    outputs = list(job)
    messages = job.result()[0]
    assert len(outputs) >= 2
    assert any("3500" in str(m.get("content")) for m in messages)
    assert any((m.get("metadata") or {}).get("title", "").startswith("Bronnen") for m in messages)
    # a follow-up through the client sends the history back and keeps the context
    follow = client.predict("En hoe zit dat bij Defensie?", messages, [], [], api_name="/chat")[0]
    assert "Gezocht op: Hoeveel zorgreservisten zijn er ingeschreven bij Defensie?" in str(follow)


@pytest.mark.slow
def test_page_is_dutch_offline_and_locked_down(served):
    import httpx

    url, _ = served
    response = httpx.get(url)
    assert response.status_code == 200
    assert '<html\n\tlang="nl"' in response.text or 'lang="nl"' in response.text
    assert "Object.defineProperty(p,'language'" in response.text
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert "fonts.googleapis" not in response.text


@pytest.mark.slow
def test_two_visitors_do_not_share_a_conversation(served):
    from gradio_client import Client

    url, _ = served
    anna, bob = Client(url, verbose=False), Client(url, verbose=False)
    anna.predict("Hoeveel zorgreservisten zijn er ingeschreven?", [], [], [], api_name="/chat")
    # The conversation lives in Anna's session on the server: her follow-up has its context even
    # though she sends no history back ...
    mine = anna.predict("En hoe zit dat bij Defensie?", [], [], [], api_name="/chat")[0]
    assert "Gezocht op: Hoeveel zorgreservisten zijn er ingeschreven bij Defensie?" in str(mine)
    # ... and Bob's identical follow-up, in his own session, gets nothing of Anna's question.
    messages = bob.predict("En hoe zit dat bij Defensie?", [], [], [], api_name="/chat")[0]
    assert "Gezocht op" not in str(messages)
    from assistant.answering.chat import message_text

    assert [message_text(m["content"]) for m in messages if m["role"] == "user"] == [
        "En hoe zit dat bij Defensie?"
    ]
