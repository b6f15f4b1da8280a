"""The knowledge base's own types: a document's metadata (declared once), documents, chunks, problems.

The front-matter schema (DESIGN.md) is written down here as the allowed values; reading and validating
files is the ingest package's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from assistant.core.sentences import split_sentences

SOORTEN = ("casus", "knop", "verslag", "leernetwerk", "regel", "achtergrond")
SECTOREN = ("zorg", "onderwijs", "defensie", "kinderopvang", "veiligheid", "techniek", "sectoroverstijgend")
CROSS_SECTOR = "sectoroverstijgend"
DOELGROEPEN = ("professional", "werkgever", "aanjager")

# No characters that could end a Markdown link or an HTML attribute early: the URL is shown as a link.
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f()\[\]<>\"'`\\]+")


def safe_url(url: str | None) -> bool:
    """Only plain http(s) links that cannot break out of a Markdown link (no javascript:, data:, ...)."""
    return isinstance(url, str) and _SAFE_URL.fullmatch(url) is not None


@dataclass(frozen=True)
class SourceRef:
    titel: str
    url: str | None = None
    datum: str | None = None


@dataclass(frozen=True)
class DocumentMeta:
    """Front matter of one knowledge document: what every chunk of it shares."""

    id: str
    titel: str
    soort: str
    sector: tuple[str, ...]
    doelgroep: tuple[str, ...]
    knoppen: tuple[str, ...]
    bronnen: tuple[SourceRef, ...]
    peildatum: str
    path: str


@dataclass(frozen=True)
class Document(DocumentMeta):
    text: str
    has_front_matter: bool = True

    @property
    def meta(self) -> DocumentMeta:
        return DocumentMeta(**{f.name: getattr(self, f.name) for f in fields(DocumentMeta)})


@dataclass(frozen=True)
class Chunk:
    """One section of a document (or part of a long one), with the document's metadata."""

    id: str
    doc: DocumentMeta
    heading: tuple[str, ...]
    text: str
    position: int

    @property
    def heading_path(self) -> str:
        return " > ".join((self.doc.titel, *self.heading))

    @property
    def embed_text(self) -> str:
        """What is embedded and indexed: the heading path gives a section its context."""
        return f"{self.heading_path}\n{self.text}"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a chunk, as stored beside it (its position keeps the reading order)."""

    id: str
    chunk_id: str
    position: int
    text: str


def sentences_of(chunk: Chunk) -> list[Sentence]:
    """The chunk's sentences with their ids and reading order, as stored beside the chunk.

    The ids follow from the chunk alone (`<chunk id>#<position>`), so a reader finds a chunk's sentences by
    id, not by a metadata filter. A change to the splitter changes the chunking recipe, hence the chunk ids.
    """
    return [Sentence(f"{chunk.id}#{n}", chunk.id, n, s) for n, s in enumerate(split_sentences(chunk.text))]


@dataclass(frozen=True)
class LoadProblem:
    """A file (or a field in it) that could not be used. `code` selects the Dutch message in texts."""

    path: str
    code: str
    field: str | None = None
    detail: str = ""
    skipped: bool = True
