"""Read a knowledge folder into `Document`s: Markdown with front matter (`schema`), PDF, DOCX and HTML
through llama-index readers, TXT as plain text. A file that cannot be used becomes a `LoadProblem`
naming the file and the field; the other files still load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.documents import Document, LoadProblem
from assistant.ingest.schema import FormatProblem, default_document, parse_markdown

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

SUFFIXES = (".md", ".markdown", ".txt", ".pdf", ".docx", ".html", ".htm")


@dataclass
class LoadResult:
    documents: list[Document] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


def list_files(folder: Path) -> list[Path]:
    """Knowledge files under `folder`, sorted, hidden files and folders excluded."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def load_documents(
    folder: Path, *, max_bytes: int = 15_000_000, on_file: Callable[[Path], None] | None = None
) -> LoadResult:
    """Load every supported file under `folder`; problems are collected, never raised."""
    result = LoadResult()
    seen: dict[str, str] = {}
    for path in list_files(folder):
        if on_file:
            on_file(path)
        rel = path.relative_to(folder).as_posix()
        try:
            doc = load_file(path, rel, max_bytes=max_bytes)
        except FormatProblem as problem:
            result.problems.append(LoadProblem(rel, problem.code, problem.field, problem.detail))
            continue
        if doc.id in seen:
            result.problems.append(LoadProblem(rel, "duplicate_id", "id", f"{doc.id} ({seen[doc.id]})"))
            continue
        seen[doc.id] = rel
        if not doc.has_front_matter and path.suffix.lower() in (".md", ".markdown"):
            result.problems.append(LoadProblem(rel, "no_front_matter", None, "", skipped=False))
        result.documents.append(doc)
    result.problems.extend(check_references(result.documents))
    return result


def check_references(documents: Iterable[Document]) -> list[LoadProblem]:
    """Every `knoppen` entry must name a document of soort knop."""
    docs = list(documents)
    knoppen = {d.id for d in docs if d.soort == "knop"}
    return [
        LoadProblem(d.path, "unknown_knop", "knoppen", ref, skipped=False)
        for d in docs
        for ref in d.knoppen
        if ref not in knoppen
    ]


def load_file(path: Path, rel: str, *, max_bytes: int = 15_000_000) -> Document:
    size = path.stat().st_size
    if size == 0:
        raise FormatProblem("empty")
    if size > max_bytes:
        raise FormatProblem("too_large", detail=f"{size / 1_000_000:.1f}")
    suffix = path.suffix.lower()
    if suffix in (".md", ".markdown", ".txt"):
        text = decode_text(path.read_bytes())
        if suffix != ".txt" and text.lstrip("\ufeff").startswith("---"):
            return parse_markdown(text, rel)
        return default_document(text, rel)
    return default_document(read_with_llama_index(path), rel)


def decode_text(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise FormatProblem("binary")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # Windows-1252 is what Dutch office tools write when they do not write UTF-8.
        return raw.decode("cp1252", errors="replace")


# What the file readers log about a bad file ("EOF marker not found") is for the log, not for the user.
_READER_LOGGERS = ("pypdf", "PyPDF2", "llama_index", "docx", "bs4")
_KINDS = {".pdf": "PDF", ".docx": "Word", ".html": "HTML", ".htm": "HTML"}


@contextmanager
def _readers_to_the_log() -> Iterator[None]:
    """The readers' warnings go to this module's log (debug), not to the terminal."""
    loggers = [logging.getLogger(name) for name in _READER_LOGGERS]
    saved = [(logger, logger.propagate, list(logger.handlers)) for logger in loggers]
    forward = _Forward()
    for logger in loggers:
        logger.propagate = False
        logger.handlers = [forward]
    try:
        yield
    finally:
        for logger, propagate, handlers in saved:
            logger.propagate, logger.handlers = propagate, handlers


class _Forward(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("%s: %s", record.name, record.getMessage())


def _cause(exc: BaseException) -> BaseException:
    """The error behind a retry wrapper (tenacity's RetryError says nothing itself)."""
    attempt = getattr(exc, "last_attempt", None)
    inner = attempt.exception() if attempt is not None and hasattr(attempt, "exception") else None
    return inner or exc


def read_with_llama_index(path: Path) -> str:
    suffix = path.suffix.lower()
    try:
        with _readers_to_the_log():
            parts = _read_parts(path, suffix)
    except Exception as exc:  # readers raise anything from struct errors to KeyError on bad files
        cause = _cause(exc)
        log.debug("reading %s failed: %r", path, cause)
        raise FormatProblem("damaged", detail=_KINDS.get(suffix, suffix.lstrip(".").upper())) from cause
    text = "\n\n".join(part.text for part in parts).strip()
    if not text:
        raise FormatProblem("no_text")
    return text


def _read_parts(path: Path, suffix: str) -> list[Any]:
    if suffix == ".pdf":
        from llama_index.readers.file import PDFReader

        return list(PDFReader(return_full_document=True).load_data(file=path))
    if suffix == ".docx":
        from llama_index.readers.file import DocxReader

        return list(DocxReader().load_data(file=path))
    from llama_index.readers.file import HTMLTagReader

    return list(HTMLTagReader(tag="body").load_data(file=path))
