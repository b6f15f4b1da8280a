"""The browser app: `build_demo()` lays out the Gradio Blocks and wires events to `WebApp` handlers;
`launch()` serves it on 127.0.0.1, offline and in Dutch.

Tabs: Chat (professionals), Casussen & knoppen (employers), Toetsen (organisers). Per-visitor data
lives in `gr.State` and in the chat history; the only shared object is the read-only assistant.
"""

# No `from __future__ import annotations`: Gradio reads the gr.LikeData/gr.SelectData hints at runtime.
import os
from typing import Any

from assistant import texts
from assistant.answering.assistant import Assistant
from assistant.config import Settings
from assistant.web.browse_tab import BrowseHandlers, build_browse_tab
from assistant.web.chat import ChatHandlers
from assistant.web.chat_tab import build_chat_tab
from assistant.web.eval_tab import build_eval_tab
from assistant.web.server import check_exposure, configure_environment, launch_options

W = texts.WEB
CONCURRENT_ANSWERS = 4  # questions answered at the same time; more wait in Gradio's queue


class WebApp(ChatHandlers, BrowseHandlers):
    """The handlers of every tab over one shared assistant (the Toetsen tab's are functions of `eval_tab`)."""


def launch(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    *,
    demo: Any = None,
    block: bool = True,
) -> Any:
    """Serve the app (`wibb serve`, `python app.py`); with block=False returns at once (tests).

    A caller that passes its own `demo` has imported gradio already, so it configures the environment
    itself first (as app.py does); otherwise it is done here, before `build_demo` imports gradio.
    """
    check_exposure(settings, host or settings.web.host)
    if demo is None:
        configure_environment(settings)
        demo = build_demo(None, settings, warm_up=True)
    return demo.launch(**launch_options(settings, host, port), prevent_thread_lock=not block, quiet=not block)


def serve(settings: Settings, host: str | None = None, port: int | None = None, *, demo: Any = None) -> int:
    """`python app.py`: serve until stopped; a setting that forbids it is a Dutch message and exit 1."""
    import sys

    from assistant.errors import WibbError

    try:
        launch(settings, host, port, demo=demo)
    except WibbError as error:
        print(texts.describe_error(error), file=sys.stderr)
        return 1
    return 0


def build_demo(assistant: Assistant | None, settings: Settings, *, warm_up: bool = False) -> Any:
    """The Gradio Blocks; `assistant=None` builds it lazily from settings (first request or warm-up)."""
    import gradio as gr

    # Four answers at a time. Given to the queue Blocks makes when it is created: calling `demo.queue()`
    # afterwards would make Gradio build its whole FastAPI app once more (~0.2 s of start-up).
    os.environ["GRADIO_DEFAULT_CONCURRENCY_LIMIT"] = str(CONCURRENT_ANSWERS)
    app = WebApp(settings, assistant)
    if warm_up and assistant is None:
        app.warm_up()
    with gr.Blocks(title=texts.APP_TITLE, analytics_enabled=False) as demo:
        gr.Markdown(f"# {texts.APP_TITLE}")
        gr.Markdown(texts.APP_SUBTITLE, elem_classes="wibb-subtitle")
        status = gr.Markdown("", elem_id="wibb-status")
        # "wrap": on a phone every tab stays in view (Gradio's default "menu" hides those that do not fit
        # behind a button, depending on when the font arrives).
        with gr.Tabs(overflow_behavior="wrap"):
            with gr.Tab(W["tab_chat"], id="chat"):
                build_chat_tab(gr, app, demo)
            with gr.Tab(W["tab_browse"], id="browse"):
                build_browse_tab(gr, app, demo)
            with gr.Tab(W["tab_eval"], id="toetsen") as eval_tab:
                build_eval_tab(gr, app, eval_tab)
        demo.load(app.status, None, status, api_visibility="private")
    return demo
