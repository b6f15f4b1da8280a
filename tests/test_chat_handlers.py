"""The chat's handlers without a browser (`web.waiting`, `web.chat`, `web.messages`): questions wait their turn
in one answering loop per session, a stopped answer stays as far as it came, an answer is written again, a
question is asked again in the whole knowledge base; links in every bubble."""

from __future__ import annotations

import threading

import pytest
from conftest import fake_settings

from assistant import texts
from assistant.answering.answer import Answer, DocLink
from assistant.answering.assistant import Assistant
from assistant.llm.fake import ScriptedLLM
from assistant.web.app import WebApp
from assistant.web.messages import action_value, answer_messages
from assistant.web.waiting import Queued, Waiting

W = texts.WEB


@pytest.fixture
def web(assistant, tmp_path):
    return WebApp(fake_settings(tmp_path / "web"), assistant)


def loop(web: WebApp, key: str = "s", history=(), turns=()):
    """Everything one answering loop of session `key` yields."""
    return list(web.answer_waiting(key, list(history), list(turns), "sessie"))


# -- waiting -------------------------------------------------------------------------------------------


def test_questions_wait_in_order_and_one_loop_takes_them_all():
    waiting = Waiting()
    assert waiting.add("s", Queued("eerste")) is False  # nothing runs yet: it is answered now
    run = waiting.claim("s")
    assert run and waiting.claim("s") == 0  # a second loop of the same session gets nothing
    assert waiting.next("s", run) == Queued("eerste")
    assert waiting.add("s", Queued("tweede")) is True  # sent during the answer: it waits
    assert waiting.add("s", Queued("derde")) is True
    assert waiting.pending("s") == ["tweede", "derde"]
    assert [waiting.next("s", run), waiting.next("s", run)] == [Queued("tweede"), Queued("derde")]
    assert waiting.next("s", run) is None and not waiting.running("s", run)  # the run ended
    assert waiting.claim("other") == 0  # nothing waits there


def test_a_question_added_just_as_the_loop_ends_starts_a_loop_of_its_own():
    waiting = Waiting()
    waiting.add("s", Queued("eerste"))
    run = waiting.claim("s")
    waiting.next("s", run)
    assert waiting.next("s", run) is None  # the loop ends ...
    assert waiting.add("s", Queued("tweede")) is False  # ... so the next question is not "waiting"
    assert waiting.claim("s") > run


def test_stopping_ends_the_run_and_hands_back_what_waited():
    waiting = Waiting()
    waiting.add("s", Queued("eerste"))
    run = waiting.claim("s")
    waiting.next("s", run)
    waiting.add("s", Queued("tweede", ("zorg",)))
    assert waiting.stop("s") == [Queued("tweede", ("zorg",))]
    assert not waiting.running("s", run) and waiting.next("s", run) is None


def test_many_threads_adding_at_once_lose_no_question():
    waiting = Waiting()
    threads = [threading.Thread(target=waiting.add, args=("s", Queued(f"vraag {n}"))) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run = waiting.claim("s")
    taken = []
    while (item := waiting.next("s", run)) is not None:
        taken.append(item.question)
    assert sorted(taken) == sorted(f"vraag {n}" for n in range(50))


# -- the answering loop -----------------------------------------------------------------------------


def test_the_loop_answers_every_waiting_question_with_the_filters_it_was_sent_with(web):
    assert web.send("s", "Hoeveel zorgreservisten zijn er ingeschreven?", [], []) == ""
    web.send("s", "Welke voorbeelden zijn er?", ["onderwijs"], ["casus"])
    *_, (messages, turns, _, _, line) = loop(web)
    assert [t.question for t in turns] == ["Hoeveel zorgreservisten zijn er ingeschreven?",
                                           "Welke voorbeelden zijn er?"]  # fmt: skip
    assert turns[1].filters == {"sector": ["onderwijs"], "soort": ["casus"]}
    assert [m["role"] for m in messages].count("user") == 2 and line == ""
    assert loop(web) == []  # nothing left: no loop


def test_a_question_sent_during_an_answer_is_shown_as_waiting(web):
    web.send("s", "Hoeveel zorgreservisten zijn er ingeschreven?", [], [])
    steps = web.answer_waiting("s", [], [], "")
    next(steps)  # the first answer is being written
    line = web.send("s", "En wat kost dat?", [], [])
    assert line == W["waiting"].format(questions="“En wat kost dat?”")
    assert web.send("s", "   ", [], []) == line  # an empty box adds nothing
    rest = list(steps)
    assert rest[-1][4] == "" and [t.question for t in rest[-1][1]][-1] == "En wat kost dat?"


def test_a_widened_question_is_asked_again_without_filters(web):
    web.send("s", "Hoeveel zorgreservisten zijn er ingeschreven?", ["onderwijs"], [])
    *_, (messages, turns, *_) = loop(web)
    assert turns[0].reply.elsewhere and "#wibb-ruimer-0" in messages[-1]["content"]
    assert web.widen("s", turns, action_value("0 1712345678901")) == ""
    *_, (messages, turns, *_) = loop(web, history=messages, turns=turns)
    assert turns[1].widened and turns[1].filters == {} and "3500" in turns[1].answer
    assert W["searched_everywhere"] in messages[-2]["content"]
    assert web.widen("s", turns, "99") == "" and loop(web) == []  # an unknown turn asks nothing


def test_a_stopped_answer_stays_as_far_as_it_came_and_what_waited_returns_to_the_box(tmp_path, assistant):
    model = ScriptedLLM(["Er zijn 3500 zorgreservisten ingeschreven [1]."])
    web = WebApp(fake_settings(tmp_path / "web"), Assistant(assistant.retriever, llm=model))
    web.send("s", "Hoeveel zorgreservisten zijn er ingeschreven?", [], [])
    steps = web.answer_waiting("s", [], [], "")
    for _, turns, *_ in steps:
        if "3500" in turns[-1].answer:
            break  # part of the answer is there
    web.send("s", "En wat kost dat?", [], [])
    messages, kept, box = web.stop("s", turns)
    assert list(steps) == []  # the loop yields nothing more after the stop
    assert kept[-1].reply.complete and kept[-1].reply.notice == W["stopped"]
    assert messages[1]["content"].startswith(f"*{W['stopped']}*")
    assert box == "En wat kost dat?"


def test_answering_again_replaces_the_last_answer(tmp_path, assistant):
    model = ScriptedLLM(["Eerste versie: 3500 [1].", "Tweede versie: 3500 [1]."])
    web = WebApp(fake_settings(tmp_path / "web"), Assistant(assistant.retriever, llm=model))
    web.send("s", "Hoeveel zorgreservisten zijn er ingeschreven?", [], [])
    *_, (_, turns, *_) = loop(web)
    assert turns[0].answer.startswith("Eerste versie")
    messages, kept = web.retry("s", turns)
    assert messages == [] and kept == []
    *_, (_, turns, *_) = loop(web, turns=kept)
    assert [t.answer.split(":")[0] for t in turns] == ["Tweede versie"]


def test_stop_and_answer_again_are_offered_only_with_a_language_model(tmp_path, assistant):
    assert not WebApp(fake_settings(tmp_path / "a"), assistant).writes_with_model()
    model = Assistant(assistant.retriever, llm=ScriptedLLM())
    assert WebApp(fake_settings(tmp_path / "b"), model).writes_with_model()


# -- links in every bubble ----------------------------------------------------------------------------


def test_every_answer_carries_its_own_links_and_unsafe_ids_are_not_linked():
    answer = Answer(question="V?", text="Zie [1] en [2].", knoppen=(DocLink("matcher", "Knop 1", "knop"),),
                    cases=(DocLink("x) [y](javascript:z", "Rare casus", "casus"),), query="V?")  # fmt: skip
    [main] = answer_messages(answer, turn=3)
    assert "[\\[1\\]](#wibb-bron-1) en [\\[2\\]](#wibb-bron-2)" in main["content"]
    assert "[Knop 1](#wibb-doc-matcher)" in main["content"]
    assert "Rare casus" in main["content"] and "javascript" not in main["content"]
    assert "#wibb-ruimer-" not in main["content"]  # it answered: nothing to ask again


def test_a_link_click_value_is_read_without_its_time_stamp():
    assert action_value("matcher 1712345678901") == "matcher"
    assert action_value(None) == ""


def test_a_loop_that_fails_or_is_closed_lets_the_next_question_start_at_once(web, monkeypatch):
    web.send("s", "Hoeveel zorgreservisten zijn er ingeschreven?", [], [])
    web.send("s", "Wat doet een matcher?", [], [])
    steps = web.answer_waiting("s", [], [], "")
    next(steps)
    steps.close()  # the page went away while the first answer was written
    assert web.waiting.pending("s") == ["Wat doet een matcher?"]  # what waited is kept ...
    *_, (_, turns, *_) = loop(web)  # ... and answered by the next loop, not after ten minutes
    assert [t.question for t in turns] == ["Wat doet een matcher?"]

    def broken(*args, **kwargs):
        raise RuntimeError("a bug outside the answer's own error handling")

    monkeypatch.setattr(web, "respond", broken)
    web.send("t", "Wat doet een matcher?", [], [])
    with pytest.raises(RuntimeError):
        loop(web, "t")
    monkeypatch.undo()
    web.send("t", "Wat doet een matcher?", [], [])
    assert web.waiting.claim("t")  # the session is free again
