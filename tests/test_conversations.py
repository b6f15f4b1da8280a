"""Conversations kept in the browser (`web.saved`, `web.conversations`): saved after each answer, listed
newest first, reopened as they were shown, deleted and put back, exported as Markdown with their sources;
whatever comes back from the browser is read defensively."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import pytest

from assistant.answering.answer import Answer, DocLink
from assistant.core.results import Citation
from assistant.web import conversations, saved
from assistant.web.messages import ChatTurn, turn_messages

CITATION = Citation(1, "zorgreserve", "c1", "Nationale Zorgreserve", "Omvang", "Verslag bijeenkomst 1",
                    "https://example.org/zr", "2024-06", "Er zijn 3500 zorgreservisten.")  # fmt: skip


def turn(question: str = "Hoeveel zorgreservisten zijn er?", **fields) -> ChatTurn:
    reply = Answer(question=question, text="Er zijn 3500 zorgreservisten [1].", citations=(CITATION,),
                   knoppen=(DocLink("matcher", "Knop 1: de matcher", "knop"),),
                   cases=(DocLink("zorgreserve", "Nationale Zorgreserve", "casus"),), query=question)  # fmt: skip
    values = {"question": question, "answer": reply.text, "cited": ("zorgreserve",), "docs": ("matcher",),
              "filters": {"sector": ["zorg"]}, "reply": reply, "feedback": 7}  # fmt: skip
    return ChatTurn(**{**values, **fields})


def test_a_turn_goes_to_json_and_back_unchanged():
    original = turn(widened=True, context=("Eerder?",))
    data = json.loads(json.dumps(saved.turn_json(original)))  # what local storage holds
    assert saved.turn_from_json(data) == original


def test_a_conversation_is_saved_listed_newest_first_and_marked_open():
    store = saved.save(saved.EMPTY, "a", [turn("Eerste vraag?")], now=1000.0)
    store = saved.save(store, "b", [turn("Tweede vraag?")], now=2000.0)
    assert [s.id for s in saved.conversations(store)] == ["b", "a"]
    assert saved.current(store) == "b"
    store = saved.save(store, "a", [turn("Eerste vraag?"), turn("En verder?")], now=3000.0)
    assert [(s.id, len(s.turns)) for s in saved.conversations(store)] == [("a", 2), ("b", 1)]


def test_the_oldest_conversations_make_room_within_the_limit(monkeypatch):
    monkeypatch.setattr(saved, "MAX_CONVERSATIONS", 3)
    store = saved.EMPTY
    for n in range(5):
        store = saved.save(store, f"g{n}", [turn(f"Vraag {n}?")], now=float(n))
    assert [s.id for s in saved.conversations(store)] == ["g4", "g3", "g2"]


def test_a_long_first_question_is_cut_at_a_word_for_the_title():
    title = saved.title(
        [turn("Ik ben verpleegkundige en werk al twintig jaar in een ziekenhuis, hoe begin ik?")]
    )
    assert title == "Ik ben verpleegkundige en werk al twintig jaar in een …"
    assert len(title) <= saved.TITLE_CHARS


def test_list_labels_say_when_in_dutch():
    now = time.mktime((2025, 3, 12, 15, 0, 0, 0, 0, -1))
    at = lambda *day_time: time.mktime((2025, *day_time, 0, 0, 0, -1))  # noqa: E731
    assert saved.when(at(3, 12, 14, 5), now) == "vandaag 14:05"
    assert saved.when(at(3, 11, 9, 12), now) == "gisteren 09:12"
    assert saved.when(at(1, 3, 8, 0), now) == "3 jan 08:00"
    assert saved.when(time.mktime((2024, 10, 3, 8, 0, 0, 0, 0, -1)), now) == "3 okt 2024"
    store = saved.save(saved.EMPTY, "a", [turn("Eerste vraag?")], now=at(3, 12, 14, 5))
    assert saved.choices(store, now) == [("vandaag 14:05 · Eerste vraag?", "a")]


@pytest.mark.parametrize(
    "store",
    [None, "kapot", {"gesprekken": "geen lijst"}, {"gesprekken": [{"id": "x"}, 5, {"id": "y", "titel": "t",
     "tijd": "later", "beurten": []}]}],
)  # fmt: skip
def test_what_does_not_parse_is_left_out(store):
    assert saved.conversations(store) == []
    assert saved.current(store) == ""


def test_reopening_shows_the_conversation_as_it_was_with_its_filters():
    turns = [
        turn("Eerste vraag?"),
        turn("Tweede vraag?", filters={"sector": ["onderwijs"], "soort": ["casus"]}),
    ]
    store, conversation_id, export = conversations.keep(saved.EMPTY, "", turns)
    assert conversation_id and json.loads(export)["naam"].startswith("wibb-gesprek-")
    store = saved.opened(store, "")
    store, shown = conversations.reopen(store, conversation_id)
    assert shown.turns == turns and shown.messages == turn_messages(turns)
    assert (shown.sector, shown.soort) == (["onderwijs"], ["casus"])
    assert saved.current(store) == conversation_id
    _, nothing = conversations.reopen(store, "bestaat-niet")
    assert nothing == conversations.NOTHING


def test_a_new_conversation_and_a_deletion_can_be_undone():
    store, conversation_id, _ = conversations.keep(saved.EMPTY, "", [turn()])
    store, back = conversations.start_new(store, conversation_id, [turn(), turn("En nu?")])
    assert saved.current(store) == "" and back == conversations.Undo(conversation_id=conversation_id)
    assert len(saved.find(store, conversation_id).turns) == 2  # saved once more when left
    store, shown = conversations.undo(store, back)
    assert shown.conversation_id == conversation_id and len(shown.turns) == 2

    store, back = conversations.delete(store, conversation_id)
    assert saved.conversations(store) == [] and back is not None and back.removed
    store, shown = conversations.undo(store, back)
    assert [s.id for s in saved.conversations(store)] == [conversation_id]
    assert shown.conversation_id == conversation_id and saved.current(store) == conversation_id
    assert conversations.delete(store, "bestaat-niet")[1] is None
    assert conversations.start_new(store, "", [])[1] is None  # nothing to take back


def test_the_export_is_markdown_with_each_question_answer_and_its_sources():
    failed = ChatTurn(question="Nog een <vraag>?", answer="Het antwoord kon niet worden gemaakt.")
    conversation = saved.Saved("a", "Hoeveel zorgreservisten zijn er?", 0.0, (turn(), turn("En overal?", widened=True),
                                                                              failed))  # fmt: skip
    text = saved.markdown(conversation)
    assert text.startswith("# Gesprek met de WiBB-assistent: Hoeveel zorgreservisten zijn er?\n")
    assert "## Vraag 1\n\nHoeveel zorgreservisten zijn er?\n\n*Gezocht binnen: zorg*" in text
    assert "Er zijn 3500 zorgreservisten [1]." in text
    assert "**Knoppen om aan te draaien:** Knop 1: de matcher" in text
    assert "**[1] Nationale Zorgreserve – Omvang** · [Verslag bijeenkomst 1](https://example.org/zr)" in text
    assert "> Er zijn 3500 zorgreservisten." in text
    assert "*Gezocht in de hele kennisbank (zonder filters)*" in text
    assert "Nog een &lt;vraag&gt;?" in text and "⚠️ Het antwoord kon niet worden gemaakt." in text
    assert "#wibb-" not in text  # no links that only mean something inside the app


def test_a_tampered_store_cannot_smuggle_markup_or_links_into_the_chat():
    evil = turn('<img src=x onerror="alert(1)">')
    evil = replace(evil, reply=replace(evil.reply, cases=(DocLink('x") onerror=(1', "Titel <b>", "casus"),)))
    store = saved.save(saved.EMPTY, "a", [evil])
    [shown] = saved.conversations(json.loads(json.dumps(store)))
    rendered = " ".join(m["content"] for m in turn_messages(list(shown.turns)))
    assert "<img" not in rendered and "<b>" not in rendered
    assert "#wibb-doc-x" not in rendered and "Titel &lt;b&gt;" in rendered  # shown, not linked
