"""The chat respects what the person chose, typed and asked (issue 22), in headless Chromium at desktop
(1366×900) and phone (390×844) sizes: filters and scoped questions keep to their scope and offer the whole
knowledge base with one click; typed text is never lost and questions wait their turn; conversations stay in
the browser; links in every answer; stop and answer again with a language model."""

from __future__ import annotations

import re
import time

import pytest
from browsing import LONG_CASE, answered, ask, chromium, opened, served_app, wait_until

from assistant.llm.fake import ScriptedLLM

pytestmark = [pytest.mark.browser, pytest.mark.slow]
SIZES = ["desktop", "phone"]


class SlowModel(ScriptedLLM):
    """A scripted language model that writes slowly, as a real one does: time to type, send, stop."""

    def __init__(self, pause: float = 0.2) -> None:
        super().__init__()
        self.pause = pause

    def stream(self, prompt):  # type: ignore[no-untyped-def]
        for piece in super().stream(prompt):
            time.sleep(self.pause)
            yield piece


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with served_app(tmp_path_factory.mktemp("chat"), {"casussen/lange-casus.md": LONG_CASE}) as served:
        yield served


@pytest.fixture(scope="module")
def model():
    return SlowModel()


@pytest.fixture(scope="module")
def model_app(tmp_path_factory, model):
    with served_app(tmp_path_factory.mktemp("model"), model=model) as served:
        yield served


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


def bubble(chat, n: int):
    """The n-th answer bubble (0-based), its Bronnen block included."""
    return chat.locator(".bot-row").nth(n)


# -- 1. a filter is a hard limit; nothing within it: say so, one click for all sectors ---------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_sector_filter_limits_what_an_answer_shows_and_one_click_asks_all_sectors(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        page.get_by_label("zorg", exact=True).check()
        ask(page, "Ik ben leraar, kan ik ook iets in de zorg doen?")
        chat = answered(page)
        first = bubble(chat, 0)
        first.get_by_text("Gezocht binnen: zorg").wait_for()
        assert first.get_by_role("link", name="Nationale Zorgreserve", exact=True).count() >= 1
        # the teacher's own sector (onderwijs, techniek) is outside the filter: not cited, not linked
        assert "techdocent" not in first.inner_text().lower() and "Brainport" not in first.inner_text()

        page.get_by_label("zorg", exact=True).uncheck()
        page.get_by_label("onderwijs", exact=True).check()
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        chat = answered(page, 2)
        second = bubble(chat, 1)
        second.get_by_text(
            "In de sector onderwijs vond ik hier niets over, maar elders in de kennisbank wel."
        ).wait_for()
        assert "3500" not in second.inner_text()
        second.get_by_role("link", name="Zoek in de hele kennisbank").click()
        chat = answered(page, 3)
        third = bubble(chat, 2)
        third.get_by_text("Gezocht in de hele kennisbank (zonder filters)").wait_for()
        third.get_by_text("3500", exact=False).first.wait_for()
        assert page.get_by_label("onderwijs", exact=True).is_checked()  # the filter stays for what comes next


# -- 2. a question about one casus that the casus cannot answer ----------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_question_about_one_casus_says_it_is_not_there_and_asks_everywhere_with_one_click(
    app, browser, size
):
    url, _ = app
    with opened(browser, url, size) as page:
        page.get_by_role("tab", name="Casussen & knoppen").click()
        page.locator("#wibb-cards").get_by_text("Nationale Zorgreserve").first.click()
        page.locator("#wibb-browse-doc").get_by_text("Omvang").first.wait_for()
        form = page.locator("#wibb-scoped")
        form.get_by_label("Je vraag").fill("Wat doet een matcher?")
        form.get_by_role("button", name="Verstuur").click()
        shown = page.locator("#wibb-scoped-answer")
        shown.get_by_text(
            "In ‘Nationale Zorgreserve’ vond ik hier niets over, maar elders in de kennisbank wel."
        ).wait_for()
        assert shown.get_by_text("Dat staat niet in de kennisbank").count() == 0
        form.get_by_role("button", name="Zoek in de hele kennisbank").click()
        shown.get_by_text("Gezocht in de hele kennisbank").wait_for()
        shown.get_by_text("Een matcher vertaalt de behoefte", exact=False).first.wait_for()


# -- 3. typing is never lost; a question sent during an answer waits its turn ------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_typing_during_an_answer_stays_and_a_second_question_waits_its_turn(model_app, browser, size):
    url, _ = model_app
    with opened(browser, url, size) as page:
        box = page.locator("#wibb-vraag textarea")
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        page.locator("#wibb-chat").get_by_text(
            "Eind 2023", exact=False
        ).first.wait_for()  # it is being written
        box.press_sequentially("en wat kost dat?", delay=40)
        page.wait_for_timeout(800)  # more of the answer arrives ...
        assert box.input_value() == "en wat kost dat?"  # ... and the box keeps what was typed, whole
        box.press("Enter")
        waiting = page.locator("#wibb-waiting")
        waiting.get_by_text("Wacht op het vorige antwoord, daarna komt: “en wat kost dat?”").wait_for()
        box.press_sequentially("nog een", delay=20)  # typing on while both wait
        chat = answered(page, 2)
        users = [t.strip() for t in chat.locator(".user-row").all_inner_texts()]
        assert users == ["Hoeveel zorgreservisten zijn er ingeschreven?", "en wat kost dat?"]
        assert box.input_value() == "nog een"
        assert wait_until(lambda: waiting.inner_text().strip() == "")


@pytest.mark.parametrize("size", SIZES)
def test_two_questions_sent_one_after_the_other_are_both_answered_in_order(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        ask(page, "Wat doet een matcher?")  # at once, while the first is answered: not dropped
        chat = answered(page, 2)
        users = [t.strip() for t in chat.locator(".user-row").all_inner_texts()]
        assert users == ["Hoeveel zorgreservisten zijn er ingeschreven?", "Wat doet een matcher?"]
        bubble(chat, 1).get_by_text("Een matcher vertaalt", exact=False).first.wait_for()


def test_questions_sent_by_enter_the_send_button_and_an_example_are_all_answered_in_order(app, browser):
    # each way of asking once started its own answering loop, and a late update of one wiped a question
    # another answered from the chat
    url, _ = app
    with opened(browser, url, "desktop") as page:
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        page.locator("#wibb-vraag textarea").fill("Wat doet een matcher?")
        page.locator("#wibb-send").click()
        page.wait_for_function("() => document.querySelector('#wibb-vraag textarea').value === ''")
        example = "Aan welke knoppen kan ik als werkgever draaien?"
        page.get_by_role("button", name=example).click()
        chat = answered(page, 3)
        users = [t.strip() for t in chat.locator(".user-row").all_inner_texts()]
        assert users == ["Hoeveel zorgreservisten zijn er ingeschreven?", "Wat doet een matcher?", example]


@pytest.mark.parametrize("size", SIZES)
def test_an_example_clicked_while_typing_leaves_the_box_alone(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        box = page.locator("#wibb-vraag textarea")
        box.fill("half getypte vraag")
        page.get_by_role("button", name="Wat doet een matcher?").click()
        answered(page).get_by_text("Een matcher vertaalt", exact=False).first.wait_for()
        assert box.input_value() == "half getypte vraag"


# -- 5. conversations are kept in the browser: reload, list, reopen, delete, export, undo ----------------


@pytest.mark.parametrize("size", SIZES)
def test_conversations_survive_a_reload_and_can_be_reopened_exported_deleted_and_undone(app, browser, size):
    url, settings = app
    with opened(browser, url, size) as page:
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        answered(page).get_by_text("3500", exact=False).first.wait_for()
        listed = page.locator("#wibb-saved")
        listed.get_by_text("Hoeveel zorgreservisten zijn er ingeschreven?", exact=False).wait_for()

        page.reload()  # the conversation and the list are still there, from the browser's own storage
        chat = page.locator("#wibb-chat")
        chat.get_by_text("3500", exact=False).first.wait_for()
        listed.get_by_text("Hoeveel zorgreservisten zijn er ingeschreven?", exact=False).wait_for()

        page.get_by_role("button", name="Nieuw gesprek").click()
        page.wait_for_function("() => !document.querySelector('#wibb-chat .message-row')")
        page.get_by_text("Nieuw gesprek gestart.", exact=False).wait_for()
        page.get_by_role("button", name="Ongedaan maken").click()  # "Nieuw gesprek" can be undone
        chat.get_by_text("3500", exact=False).first.wait_for()

        page.get_by_role("button", name="Nieuw gesprek").click()
        ask(page, "Wat doet een matcher?")
        answered(page).get_by_text("Een matcher vertaalt", exact=False).first.wait_for()
        listed.get_by_text("Wat doet een matcher?", exact=False).wait_for()
        assert listed.get_by_role("radio").count() == 2

        listed.get_by_text("Hoeveel zorgreservisten zijn er ingeschreven?", exact=False).click()  # reopen
        chat.get_by_text("3500", exact=False).first.wait_for()
        assert chat.get_by_text("Een matcher vertaalt", exact=False).count() == 0

        with page.expect_download() as download:
            page.get_by_role("button", name="Exporteer als Markdown").click()
        exported = download.value
        text = exported.path().read_text(encoding="utf-8")
        assert exported.suggested_filename.startswith(
            "wibb-gesprek-"
        ) and exported.suggested_filename.endswith(".md")
        assert "Hoeveel zorgreservisten zijn er ingeschreven?" in text and "3500" in text
        assert re.search(r"\*\*\[1\] Nationale Zorgreserve – Omvang\*\* · Verslag bijeenkomst 1", text)
        assert "**Bronnen**" in text and "> Eind 2023 telde de Nationale Zorgreserve 3500" in text

        page.get_by_role("button", name="Verwijder dit gesprek").click()
        page.wait_for_function("() => !document.querySelector('#wibb-chat .message-row')")
        assert wait_until(lambda: listed.get_by_role("radio").count() == 1)
        page.get_by_role("button", name="Ongedaan maken").click()
        chat.get_by_text("3500", exact=False).first.wait_for()
        assert wait_until(lambda: listed.get_by_role("radio").count() == 2)
        stored = page.evaluate("Object.keys(localStorage)")
        assert "wibb-gesprekken" in stored
    # nothing of the conversations was written on the server: no export files, no copies in Gradio's cache
    # (the lexical index and the word caches are .json files the ingest and the answerer write)
    written = [p for p in settings.data_dir.rglob("*") if p.is_file() and p.suffix in (".md", ".json")]
    assert not [p for p in written if p.suffix == ".md"]
    assert not [
        p for p in written if "Hoeveel zorgreservisten" in p.read_text(encoding="utf-8", errors="replace")
    ]


def test_each_browser_has_its_own_conversations(app, browser):
    url, _ = app
    with opened(browser, url, "desktop") as page:
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        answered(page)
        page.locator("#wibb-saved").get_by_text("Hoeveel zorgreservisten", exact=False).wait_for()
    with opened(browser, url, "desktop") as other:  # another browser profile: another local storage
        other.wait_for_timeout(1000)
        assert other.locator("#wibb-saved").get_by_role("radio").count() == 0
        assert other.locator("#wibb-chat .message-row").count() == 0


# -- 6. what people expect from a chat ---------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES)
def test_a_marker_opens_its_source_and_older_answers_keep_their_links(app, browser, size):
    url, _ = app
    with opened(browser, url, size) as page:
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        chat = answered(page)
        first = bubble(chat, 0)
        first.get_by_role("link", name="[2]").click()
        shown = first.locator(".wibb-source-shown")
        shown.wait_for()
        assert shown.inner_text().startswith("[2] ")  # source 2, in the opened Bronnen block of this answer
        assert shown.is_visible()
        box = shown.bounding_box()
        viewport = page.viewport_size
        assert box and viewport and 0 <= box["y"] < viewport["height"]

        ask(page, "Wat doet een matcher?")
        chat = answered(page, 2)
        assert chat.get_by_text("Klik hieronder op een knop of casus", exact=False).count() == 0
        first.get_by_role("link", name="Nationale Zorgreserve", exact=True).click()  # the older answer's link
        page.locator("#wibb-doc").get_by_text("Omvang").first.wait_for()


@pytest.mark.parametrize("size", SIZES)
def test_with_a_language_model_an_answer_can_be_stopped_and_written_again(model_app, browser, model, size):
    url, _ = model_app
    with opened(browser, url, size) as page:
        chat = page.locator("#wibb-chat")
        model.enqueue("Eind 2023 telde de Nationale Zorgreserve 3500 ingeschreven zorgreservisten en dat is een hele "
                      "lange zin die nog even doorgaat [1].")  # fmt: skip
        ask(page, "Hoeveel zorgreservisten zijn er ingeschreven?")
        chat.get_by_text("Eind 2023", exact=False).first.wait_for()
        page.get_by_role("button", name="Stop").click()
        bubble(chat, 0).get_by_text("Gestopt.").wait_for()
        stopped = bubble(chat, 0).inner_text()
        page.wait_for_timeout(1500)
        assert bubble(chat, 0).inner_text() == stopped  # nothing more arrives
        assert "doorgaat" not in stopped
        assert not page.get_by_role("button", name="Stop").is_visible()

        # a new conversation: a follow-up would first ask the model to condense it
        page.get_by_role("button", name="Nieuw gesprek").click()
        model.enqueue(
            "Een eerste versie: er zijn 3500 zorgreservisten [1].", "Een tweede versie: 3500 mensen [1]."
        )
        ask(page, "Hoeveel zorgreservisten staan er ingeschreven?")
        answered(page).get_by_text("Een eerste versie", exact=False).first.wait_for()
        chat.get_by_role("button", name="Opnieuw genereren").click()
        chat.get_by_text("Een tweede versie", exact=False).first.wait_for()
        assert chat.get_by_text("Een eerste versie", exact=False).count() == 0
        assert chat.locator(".user-row").all_inner_texts() == [
            "Hoeveel zorgreservisten staan er ingeschreven?"
        ]
