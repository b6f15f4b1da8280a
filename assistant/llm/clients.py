"""Language-model clients behind `ChatModel`: Ollama and any OpenAI-compatible server, plus the fake.

Backends go through llama-index integrations (`Ollama`, `OpenAILike` for any OpenAI-compatible server:
vLLM, llama.cpp server, LM Studio, OpenAI), always built with explicit arguments: the global llama-index
`Settings` are never touched. Every failure becomes `LanguageModelError(code)` with code unreachable,
timeout, garbage or error; the assistant then falls back to the extractive answer with a Dutch notice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

from assistant import texts
from assistant.errors import ConfigError, LanguageModelError
from assistant.llm.prompts import Prompt

if TYPE_CHECKING:
    from assistant.config import LLMSettings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # failures reach the app's log handlers, not a user's terminal

# After a timeout, the model is skipped this long: a condense timeout is not followed by a second wait.
COOLDOWN_S = 10.0


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
        from assistant.llm.fake import ScriptedLLM

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
