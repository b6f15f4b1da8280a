"""`wibb ask` and `wibb chat`: one question, or a conversation in the terminal, streamed as it arrives."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from assistant import texts
from assistant.cli.common import filters_from, load_settings, notice
from assistant.errors import WibbError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from assistant.answering.answer import Answer


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answering.rendering import answer_json
    from assistant.factory import build_assistant

    assistant = build_assistant(load_settings(args), notify=notice, question=args.question)
    if args.json:
        answer = assistant.answer(args.question, filters=filters_from(args))
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        print_streaming(assistant.stream(args.question, filters=filters_from(args)))
    return 0


def scope_hint(answer: Answer) -> None:
    """Nothing within --sector/--soort answered, while the whole knowledge base does: say how to get it."""
    if answer.elsewhere:
        print(texts.CLI["elsewhere"])


def print_streaming(snapshots: Iterator[Answer], prefix: str = "", show_query: bool = False) -> Answer:
    """Print an answer as it arrives, then its knoppen and sources; returns the last snapshot.

    Snapshots replace each other: one that does not continue the printed text (the model failed and
    the extractive answer follows with its notice) starts on a new line."""
    from dataclasses import replace

    from assistant.answering.rendering import answer_terminal

    final: Answer | None = None
    printed: str | None = None
    for final in snapshots:
        if printed is None:
            if show_query and final.query != final.question:
                print(texts.SEARCHED_FOR.format(query=final.query))
            sys.stdout.write(prefix)
            printed = ""
        shown = (final.notice + "\n" if final.notice else "") + final.text
        if not shown.startswith(printed):
            sys.stdout.write("\n")
            printed = ""
        sys.stdout.write(shown[len(printed) :])
        sys.stdout.flush()
        printed = shown
    if final is None:  # a stream always yields; this keeps the type checker honest
        raise RuntimeError("empty answer stream")
    full = answer_terminal(replace(final, notice=""))
    print(full[len(final.text) :] if full.startswith(final.text) else "\n" + full)
    scope_hint(final)
    return final


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.answering.chat import Conversation
    from assistant.factory import build_assistant

    assistant = build_assistant(load_settings(args), notify=notice)
    conversation = Conversation()
    filters = filters_from(args)
    print(texts.CLI["chat_start"])
    while True:
        try:
            question = input(texts.CLI["chat_prompt"]).strip()
        except EOFError:
            break
        if not question:
            break
        try:
            snapshots = assistant.stream(question, conversation, filters)
            answer = print_streaming(snapshots, texts.CLI["chat_answer"], show_query=True)
        except WibbError as error:
            print(texts.describe_error(error))
            continue
        cited = tuple(dict.fromkeys(c.doc_id for c in answer.citations))
        conversation.add(question, answer.text, query=answer.query, cited=cited)
    print(texts.CLI["chat_end"])
    return 0
