"""The Toetsen tab in headless Chromium (Debian's /usr/bin/chromium) at desktop 1366x900 and phone 390x844
(issue 23): the bundled sets in the picker, a broken upload named before anything runs, a set without
expectations that passes nothing, earlier runs opened and compared, tables that fit, feedback with its
answer."""

from __future__ import annotations

import contextlib
import time

import pytest
from browsing import chromium
from conftest import DATA, ROOT, TINY, fake_settings, free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
BROKEN = (
    "- id: a\n  question: Vraag?\n  expect_fact: [x]\n- id: b\n  question: Vraag?\n  answerable: misschien\n"
)
TO_REVIEW = "- id: open-1\n  question: Wat doet een matcher?\n- id: open-2\n  question: Wat kost het?\n"
TABLES = ("#wibb-eval-cases", "#wibb-runs", "#wibb-feedback")
# Every word of every header of the table on one line: a word split over two lines ("Geslaag d") shows as
# more than one rectangle.
SPLIT_WORDS = """sel => {
  const split = [];
  for (const span of document.querySelectorAll(sel + ' th span.header')) {
    const node = [...span.childNodes].find(n => n.nodeType === 3 && n.textContent.trim());
    if (!node) continue;
    let at = 0;
    for (const word of node.textContent.split(' ')) {
      if (word) {
        const range = document.createRange();
        range.setStart(node, at); range.setEnd(node, at + word.length);
        if ([...range.getClientRects()].filter(r => r.width > 0).length > 1) split.push(word);
      }
      at += word.length + 1;
    }
  }
  return split;
}"""


@pytest.fixture(scope="module")
def toetsen(tmp_path_factory):
    """The app over the tiny corpus, with two earlier runs and a 👎 on a follow-up in its database."""
    from assistant.embedding import create_embedder
    from assistant.evaluation.history import RunHistory
    from assistant.evaluation.questionset import load_cases
    from assistant.evaluation.runner import run_cases
    from assistant.factory import build_assistant, build_store
    from assistant.feedback.store import DISLIKE, FeedbackStore
    from assistant.ingest.indexing import ingest
    from assistant.web.app import build_demo, launch

    settings = fake_settings(tmp_path_factory.mktemp("toetsen") / "data", TINY)
    ingest(TINY, build_store(settings), create_embedder(settings.embedding))
    assistant = build_assistant(settings)
    history = RunHistory(settings.database)
    report = run_cases(assistant, load_cases(DATA / "vragen.yaml"), source="vragen.yaml")
    for _ in range(2):
        history.save(report, revision="r1", origin="wibb eval")
    FeedbackStore(settings.database).add(
        rating=DISLIKE, question="En hoeveel zijn het er?", answer="Er zijn 4000 zorgreservisten [1].",
        comment="cijfer klopt niet", cited=["zorgreserve"], context=("Wat is de Nationale Zorgreserve?",),
    )  # fmt: skip
    port = free_port()
    demo = build_demo(assistant, settings)
    launch(settings, port=port, demo=demo, block=False)
    yield f"http://127.0.0.1:{port}/", settings
    demo.close()


@contextlib.contextmanager
def opened(url: str, viewport: dict[str, int], **options):
    """The Toetsen tab in a fresh browser of the given size (an English browser: the app stays Dutch)."""
    with chromium() as browser:
        context = browser.new_context(locale="en-US", viewport=viewport, **options)
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(url)
        page.get_by_role("tab", name="Toetsen").click()
        page.locator("#wibb-runs").get_by_text("vragen.yaml").filter(visible=True).first.wait_for()
        yield page
        context.close()


def upload(page, path) -> None:
    clear = page.get_by_role("button", name="Wissen")
    if clear.count():  # a file is shown: take it away first, as a user would
        clear.first.click()
    page.locator("input[type=file]").first.set_input_files(str(path))


def test_the_picker_lists_the_bundled_sets_and_a_broken_upload_is_named_before_anything_runs(toetsen,
                                                                                              tmp_path):  # fmt: skip
    from assistant.evaluation.history import RunHistory
    from assistant.evaluation.questionset import load_cases

    url, settings = toetsen
    runs_before = len(RunHistory(settings.database).runs())
    broken = tmp_path / "kapot.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    with opened(url, DESKTOP) as page:
        picker = page.locator("#wibb-sets")
        size = len(load_cases(ROOT / "evals" / "vragen.yaml"))
        first = picker.get_by_label(f"vragen.yaml · {size} vragen · afstemdeel", exact=False)
        assert first.is_checked()  # the tuning part is the default, not a held-out file
        labels = picker.locator("label").all_inner_texts()
        assert labels[0].startswith("vragen.yaml") and labels[1].startswith("gesprekken.yaml ·")
        assert "gesprekken (" in labels[1] and "achtergehouden deel" in labels[2]
        upload(page, broken)
        info = page.locator("#wibb-set-info")
        info.get_by_text("vraag 'a': onbekend veld 'expect_fact'", exact=False).wait_for()
        assert "vraag 'b': answerable moet true of false zijn (niet 'misschien')" in info.inner_text()
        start = page.get_by_role("button", name="Start de toets")
        assert start.is_disabled()  # named at upload: nothing can run
        picker.get_by_label("vragen.yaml ·", exact=False).first.check()  # a usable set again
        page.wait_for_function("() => !document.querySelector('#wibb-set-info').innerText.includes('⚠️')")
        assert start.is_enabled()
    assert len(RunHistory(settings.database).runs()) == runs_before


def test_a_set_without_expectations_runs_but_nothing_passes(toetsen, tmp_path):
    url, _ = toetsen
    path = tmp_path / "uit-feedback.yaml"
    path.write_text(TO_REVIEW, encoding="utf-8")
    with opened(url, DESKTOP) as page:
        upload(page, path)
        page.locator("#wibb-set-info").get_by_text("2 hebben niets om te controleren", exact=False).wait_for()
        page.get_by_role("button", name="Start de toets").click()
        summary = page.locator("#wibb-eval-summary")
        summary.get_by_text("2 vragen: geen enkele beoordeeld; 2 te beoordelen", exact=False).wait_for()
        assert "geslaagd (" not in summary.inner_text()
        cases = page.locator("#wibb-eval-cases")
        cases.get_by_text("te beoordelen", exact=True).filter(visible=True).first.wait_for()
        assert cases.get_by_text("te beoordelen", exact=True).filter(visible=True).count() == 2


def test_an_earlier_run_opens_from_the_runs_table_and_two_runs_compare_in_dutch(toetsen):
    url, _ = toetsen
    with opened(url, DESKTOP) as page:
        runs = page.locator("#wibb-runs")
        runs.get_by_text("wibb eval").filter(visible=True).last.click()  # the oldest run
        summary = page.locator("#wibb-eval-summary")
        summary.get_by_text("Run 1 ·", exact=False).wait_for()
        assert "9 vragen" in summary.inner_text()
        cases = page.locator("#wibb-eval-cases")
        cases.get_by_text("zorgreserve-omvang").filter(visible=True).first.wait_for()
        for suffix in (".html", ".md", ".json", ".csv"):  # the report can be downloaded again
            page.get_by_text(suffix, exact=False).first.wait_for()
        for label, run in (("Eerdere run", "run 1 ·"), ("Latere run", "run 2 ·")):
            page.get_by_role("combobox", name=label, exact=True).click()
            page.get_by_role("option", name=run, exact=False).first.click()
        page.get_by_role("button", name="Vergelijk").click()
        page.get_by_text("Feiten gevonden (context_fact_recall@5)", exact=False).first.wait_for()
        page.get_by_text("Geen vragen veranderd van uitslag.").wait_for()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_tables_fit_and_break_headers_between_words_only(toetsen, viewport):
    url, _ = toetsen
    phone = viewport == PHONE
    with opened(url, viewport, is_mobile=phone, has_touch=phone) as page:
        page.locator("#wibb-feedback").get_by_text("En hoeveel zijn het er?").filter(visible=True).wait_for()
        time.sleep(0.5)
        for table in TABLES:
            assert page.evaluate(SPLIT_WORDS, table) == [], table
            wrap = page.locator(f"{table} .virtual-table-viewport")
            seen, full = wrap.evaluate("e => [e.clientWidth, e.scrollWidth]")
            if phone:  # too wide for a phone: the table scrolls sideways, the page does not
                assert full > seen, table
            else:  # nothing cut off at 1366 px
                assert full <= seen + 1, (table, seen, full)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_feedback_table_shows_the_rated_answer_and_a_click_opens_it_whole(toetsen):
    url, _ = toetsen
    with opened(url, DESKTOP) as page:
        table = page.locator("#wibb-feedback")
        table.get_by_text("Er zijn 4000 zorgreservisten [1].").filter(visible=True).wait_for()
        before = table.get_by_text("Wat is de Nationale Zorgreserve?").filter(visible=True)
        assert before.count() == 1  # the conversation before the rated question
        table.get_by_text("En hoeveel zijn het er?").filter(visible=True).click()
        entry = page.locator("#wibb-feedback-entry")
        entry.get_by_text("Gegeven antwoord").wait_for()
        text = entry.inner_text()
        assert "Eerder in het gesprek" in text and "Toelichting: cijfer klopt niet" in text
