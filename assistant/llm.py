"""Optional language model: generated Dutch answers with verified citations, and follow-up condensing.

Backends go through llama-index integrations (`Ollama`, `OpenAILike` for any OpenAI-compatible server:
vLLM, llama.cpp server, LM Studio, OpenAI), always built with explicit arguments: the global llama-index
`Settings` are never touched. Every failure becomes `LanguageModelError(code)` with code unreachable,
timeout, garbage or error; the assistant then falls back to the extractive answer with a Dutch notice.

Retrieval and the refusal decision stay in `assistant.answering`: the model only sees plans that passed
the evidence threshold, and only writes prose over passages numbered 1..k. Citations come from the hits
by those numbers (`assistant.prompts.read_answer`), never from the rendered text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

from assistant import composer, dutch, prompts, texts
from assistant.chunking import Chunk, split_sentences
from assistant.composer import Citation
from assistant.errors import ConfigError, LanguageModelError
from assistant.prompts import Prompt, Reading

if TYPE_CHECKING:
    from assistant.answering import Answer
    from assistant.chat import Conversation
    from assistant.config import LLMSettings
    from assistant.retrieval import Hit

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # failures reach the app's log handlers, not a user's terminal

# After a timeout, the model is skipped this long: a condense timeout is not followed by a second wait.
COOLDOWN_S = 10.0
QUOTE_SENTENCES = 2
QUOTE_CHARS = 400


class ChatModel(Protocol):
    """What the assistant needs from a language model; raise LanguageModelError on any failure."""

    name: str

    def stream(self, prompt: Prompt) -> Iterator[str]:
        """The reply as text pieces, as they arrive."""
        ...

    def complete(self, prompt: Prompt) -> str: ...


# -- backends -------------------------------------------------------------------------------------


def create_llm(settings: LLMSettings) -> ChatModel:
    """The configured model; ConfigError when a backend cannot be built from the settings."""
    if settings.backend == "fake":
        from assistant.testing import ScriptedLLM

        return ScriptedLLM()
    if settings.backend not in ("ollama", "openai"):
        raise ConfigError("llm.backend", texts.LLM_CONFIG["no_backend"])
    if not settings.model:
        raise ConfigError("llm.model", texts.LLM_CONFIG["no_model"])
    base_url = settings.base_url.rstrip("/")
    if settings.backend == "ollama":
        from llama_index.llms.ollama import Ollama

        llm: Any = Ollama(
            model=settings.model,
            base_url=base_url or "http://localhost:11434",
            temperature=settings.temperature,
            context_window=settings.context_window,  # given, so no /api/show round trip at start
            request_timeout=settings.timeout,
            additional_kwargs={"num_predict": settings.max_tokens},
        )
    else:
        from llama_index.llms.openai_like import OpenAILike

        llm = OpenAILike(
            model=settings.model,
            api_base=base_url or None,
            # local servers want no key, but the OpenAI client insists on one
            api_key=settings.api_key.get_secret_value() or "no-key",
            is_chat_model=True,
            context_window=settings.context_window,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
            timeout=settings.timeout,
            max_retries=0,  # the extractive answer is the retry: never keep a user waiting
        )
    where = base_url or "default"
    return LlamaIndexModel(llm, f"{settings.backend}:{settings.model}@{where}")


def completion_function(settings: LLMSettings) -> Callable[[str], str]:
    """`complete(prompt) -> str` over the configured model (e.g. an evaluation judge).

    Raises ConfigError when no model is configured; the returned function raises LanguageModelError."""
    if settings.backend == "none":
        raise ConfigError("llm.backend", texts.LLM_CONFIG["no_backend"])
    model = create_llm(settings)

    def complete(prompt: str) -> str:
        return model.complete(Prompt("", prompt))

    return complete


class LlamaIndexModel:
    """A llama-index LLM behind `ChatModel`: messages in, text out, failures classified."""

    def __init__(self, llm: Any, name: str, cooldown: float = COOLDOWN_S) -> None:
        self._llm = llm
        self.name = name
        self._cooldown = cooldown
        self._down: tuple[float, str] = (0.0, "")

    def stream(self, prompt: Prompt) -> Iterator[str]:
        self._check()
        try:
            for chunk in self._llm.stream_chat(_messages(prompt)):
                if chunk.delta:
                    yield chunk.delta
        except Exception as error:
            raise self._failure(error) from error

    def complete(self, prompt: Prompt) -> str:
        self._check()
        try:
            return self._llm.chat(_messages(prompt)).message.content or ""
        except Exception as error:
            raise self._failure(error) from error

    def _check(self) -> None:
        until, code = self._down
        if time.monotonic() < until:
            raise LanguageModelError(code, f"{self.name} failed moments ago; not asked again yet")

    def _failure(self, error: Exception) -> LanguageModelError:
        code = classify(error)
        log.warning("language model %s failed (%s): %s: %s", self.name, code, type(error).__name__, error)
        if code in ("timeout", "unreachable"):
            self._down = (time.monotonic() + self._cooldown, code)
        return LanguageModelError(code, f"{type(error).__name__}: {error}")


def classify(error: BaseException) -> str:
    """unreachable, timeout, garbage (unparseable reply) or error (the server said no)."""
    import httpx

    if isinstance(error, LanguageModelError):
        return error.code
    try:
        import openai

        if isinstance(error, openai.APITimeoutError):
            return "timeout"
        if isinstance(error, openai.APIConnectionError):
            return "unreachable"
        if isinstance(error, openai.APIResponseValidationError):
            return "garbage"
    except ImportError:  # pragma: no cover - openai comes with llama-index-llms-openai-like
        pass
    if isinstance(error, httpx.TimeoutException | TimeoutError):
        return "timeout"
    if isinstance(error, httpx.ConnectError | ConnectionError):  # ollama raises ConnectionError
        return "unreachable"
    if isinstance(error, ValueError | KeyError | IndexError | TypeError | AttributeError):
        return "garbage"  # JSON and validation errors while reading the reply
    return "error"


def _messages(prompt: Prompt) -> list[Any]:
    from llama_index.core.llms import ChatMessage

    messages = [ChatMessage(role="system", content=prompt.system)] if prompt.system else []
    return [*messages, ChatMessage(role="user", content=prompt.user)]


# -- use cases --------------------------------------------------------------------------------------


def condense_question(model: ChatModel, conversation: Conversation, question: str) -> str:
    """A standalone search query for a follow-up question; LanguageModelError when the model fails."""
    reply = model.complete(prompts.condense_prompt(conversation.turns(), question))
    query = prompts.read_query(reply)
    if query is None:
        raise LanguageModelError("garbage", f"no usable search query in {reply[:80]!r}")
    return query


def generate_answer(
    model: ChatModel, plan: Answer, conversation: Conversation | None, started: float
) -> Iterator[Answer]:
    """Snapshots of a generated answer over the plan's passages; the first carries every passage as a
    citation, each later one only renumbered passages (used first); the last keeps the used ones."""
    hits = plan.retrieved
    prompt = prompts.answer_prompt(
        plan.question,
        [hit.chunk for hit in hits],
        [k.titel for k in plan.knoppen],
        [c.titel for c in plan.cases],
        conversation.questions if conversation else (),
    )
    quotes = {c.chunk_id: c.quote for c in plan.citations}
    passages = [
        composer.citation_for(n, hit, quotes.get(hit.chunk.id) or lead(hit.chunk))
        for n, hit in enumerate(hits, 1)
    ]
    base = replace(plan, text="", citations=tuple(passages), generated=True, complete=False, notice="")
    yield base

    t0 = time.perf_counter()
    first_ms: float | None = None
    reply, shown = "", ""
    for piece in model.stream(prompt):
        reply += piece
        if first_ms is None and piece.strip():
            first_ms = (time.perf_counter() - t0) * 1000
        reading = prompts.read_answer(reply, len(hits), final=False)
        if reading.text != shown:
            shown = reading.text
            yield replace(base, text=reading.text, citations=renumbered(passages, reading.order))

    reading = prompts.read_answer(reply, len(hits), final=True)
    timings = dict(
        plan.timings_ms, llm_ms=(time.perf_counter() - t0) * 1000, llm_first_token_ms=first_ms or 0.0
    )
    done = replace(base, complete=True, timings_ms=timings, latency_ms=(time.perf_counter() - started) * 1000)
    if reading.refused:
        from assistant.answering import nearest_documents  # answering imports this module lazily too

        refusal = replace(done, text=texts.NOT_IN_KNOWLEDGE, citations=(), knoppen=(), cases=())
        yield replace(refusal, refused=True, nearest=nearest_documents(hits))
        return
    if not reading.order:
        raise LanguageModelError("garbage", f"no valid citation in {reply[:80]!r}")
    if reading.dropped or reading.uncited:
        log.info(
            "%s: %d markers out of range, %d sentences uncited", model.name, reading.dropped, reading.uncited
        )
    yield replace(done, text=reading.text, citations=used_citations(hits, passages, reading))


def renumbered(passages: Sequence[Citation], order: Sequence[int]) -> tuple[Citation, ...]:
    """Passages in the order the text uses them (numbered 1..m as shown), then the unused ones."""
    rest = [c.n for c in passages if c.n not in order]
    return tuple(replace(passages[old - 1], n=new) for new, old in enumerate([*order, *rest], 1))


def used_citations(
    hits: Sequence[Hit], passages: Sequence[Citation], reading: Reading
) -> tuple[Citation, ...]:
    """The cited passages only, numbered as in the text, each quoting the sentences the answer used."""
    citations = []
    for new, old in enumerate(reading.order, 1):
        said = " ".join(body for body, numbers in reading.sentences if new in numbers)
        quote = best_quote(hits[old - 1].chunk, said) or passages[old - 1].quote
        citations.append(replace(passages[old - 1], n=new, quote=quote))
    return tuple(citations)


def best_quote(chunk: Chunk, said: str) -> str:
    """The passage's sentences that share most content words with what the answer said, in reading order."""
    said_stems = set(dutch.stems(said))
    scored = []
    for position, sentence in enumerate(split_sentences(chunk.text)):
        stems = set(dutch.stems(sentence))
        if stems and said_stems:
            scored.append((len(stems & said_stems) / len(stems), position, sentence))
    best = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))[:QUOTE_SENTENCES]
    quote = " … ".join(sentence for _, _, sentence in sorted(best, key=lambda s: s[1]))
    return quote[:QUOTE_CHARS]


def lead(chunk: Chunk) -> str:
    """The opening of a passage: its quote until the answer shows which sentences were used."""
    sentences = split_sentences(chunk.text)
    return " ".join(sentences[:QUOTE_SENTENCES])[:QUOTE_CHARS] if sentences else chunk.text[:QUOTE_CHARS]
