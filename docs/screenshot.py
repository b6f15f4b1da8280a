"""Make docs/screenshot.png and docs/screenshot-telefoon.png over the configured index: a conversation with an
earlier question in the list of conversations (kept in the browser), and an answer filtered to one sector
with its sources; on a phone, the answer with the question box in view beside the list of conversations.

    python ingest.py                      # once: the index of knowledge/
    .venv/bin/python docs/screenshot.py   # starts the app on a free port, asks, saves the screenshots

Uses Debian's /usr/bin/chromium through Playwright (`make browser` installs it); downloads nothing.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EARLIER = "Hoeveel zorgreservisten staan er ingeschreven?"
QUESTION = "Ik ben verpleegkundige, hoe begin ik met werken in breder belang?"
SECTOR = "defensie"  # the filter the answer keeps to
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]  # fmt: skip


def main(out: Path = ROOT / "docs" / "screenshot.png") -> int:
    from playwright.sync_api import sync_playwright

    from assistant import texts
    from assistant.config import make_settings
    from assistant.errors import WibbError
    from assistant.factory import build_assistant
    from assistant.web.app import build_demo, launch
    from assistant.web.server import configure_environment

    settings = make_settings()
    configure_environment(settings)
    try:
        assistant = build_assistant(settings)
    except WibbError as error:
        print(texts.describe_error(error), file=sys.stderr)
        return 1
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    demo = build_demo(assistant, settings)
    launch(settings, port=port, demo=demo, block=False)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            desktop = browser.new_page(viewport={"width": 1360, "height": 1100}, device_scale_factor=1)
            converse(desktop, f"http://127.0.0.1:{port}/")
            chat = desktop.locator("#wibb-chat")
            chat.get_by_text(f"{texts.SOURCES_HEADING} (").first.click()
            desktop.wait_for_timeout(300)
            # Show the answer from its first line, and the page from its top.
            chat.locator(".message-row").nth(0).evaluate("e => e.scrollIntoView({block: 'start'})")
            desktop.evaluate("window.scrollTo(0, 0)")
            desktop.wait_for_timeout(300)
            desktop.screenshot(path=str(out))
            # On a phone: the answer from its first line with the box in view, and the list of conversations.
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=1,
                                     is_mobile=True, has_touch=True)  # fmt: skip
            converse(phone, f"http://127.0.0.1:{port}/")
            answer = phone.screenshot()
            phone.locator("#wibb-saved-panel").evaluate("e => e.scrollIntoView({block: 'start'})")
            phone.wait_for_timeout(300)
            listed = phone.screenshot()
            side_by_side(answer, listed, out.with_name("screenshot-telefoon.png"))
            browser.close()
    finally:
        demo.close()
    print(f"{out} geschreven")
    return 0


def converse(page, url: str) -> None:  # type: ignore[no-untyped-def]
    """An earlier conversation, then a new one with a sector filter: the filtered answer in the chat, both in
    the list of conversations."""
    from assistant import texts

    page.goto(url)
    box = page.locator("#wibb-vraag textarea")
    chat = page.locator("#wibb-chat")
    box.fill(EARLIER)
    box.press("Enter")
    page.locator("#wibb-saved").get_by_text(EARLIER, exact=False).wait_for(timeout=60_000)
    page.get_by_role("button", name=texts.WEB["new_chat"]).click()
    page.wait_for_function("() => !document.querySelector('#wibb-chat .message-row')")
    page.get_by_label(SECTOR, exact=True).check()
    box.fill(QUESTION)
    box.press("Enter")
    chat.get_by_text(texts.WEB["filters_active"].format(filters=SECTOR)).first.wait_for(timeout=60_000)
    page.locator("#wibb-saved").get_by_text(QUESTION[:30], exact=False).wait_for(timeout=60_000)
    page.wait_for_timeout(500)


def side_by_side(left: bytes, right: bytes, path: Path) -> None:
    """Two phone screens in one picture, with a margin between them."""
    import io

    from PIL import Image

    first, second = Image.open(io.BytesIO(left)), Image.open(io.BytesIO(right))
    both = Image.new("RGB", (first.width + second.width + 24, max(first.height, second.height)), "white")
    both.paste(first, (0, 0))
    both.paste(second, (first.width + 24, 0))
    both.save(path)


if __name__ == "__main__":
    raise SystemExit(main())
