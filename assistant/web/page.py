"""What the app adds to Gradio's page: its styles (`page.css`) and its page script (`page.js`) with the Dutch
texts the script needs. Both are package files, read once."""

from __future__ import annotations

import json
from importlib import resources

from assistant import texts

W = texts.WEB


def _read(name: str) -> str:
    return resources.files("assistant.web").joinpath(name).read_text(encoding="utf-8")


CSS = _read("page.css")
# What the script shows or sets: a name for the question box and unnamed buttons, the English names Gradio
# hard-codes for some controls (no translation key exists for them), the copy button it watches.
SCRIPT_TEXTS = {
    "question": W["question_label"],
    "button": W["unnamed_button"],
    "copy": texts.GRADIO_NL["chatbot.copy_message"],
    "nothing_to_export": W["saved_nothing"],
    "labels": texts.GRADIO_LABELS_NL,
    "prefixes": [list(pair) for pair in texts.GRADIO_PREFIXES_NL],
}
# Gradio scopes the app's CSS to inside its container; what must reach the container itself goes into the
# page head: the container clips instead of hiding its overflow, so that a sticky box sticks to the window.
PAGE_STYLE = "<style>.gradio-container {overflow: clip !important;}</style>"
# In an inline script, "</" could end it early: JSON allows the escaped form.
PAGE_SCRIPT = (
    PAGE_STYLE
    + "<script>window.WIBB="
    + json.dumps(SCRIPT_TEXTS, ensure_ascii=False).replace("</", "<\\/")
    + ";\n"
    + _read("page.js")
    + "</script>"
).encode("utf-8")
