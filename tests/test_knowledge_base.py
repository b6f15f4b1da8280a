"""The shipped knowledge base: every file valid against the schema; no sentence copied from the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, SOURCES

from assistant.ingest.reading import list_files, load_documents
from assistant.texts import describe_problem

KNOWLEDGE = ROOT / "knowledge"
COPY_WORDS = 10  # a run of this many words shared with a source counts as copied


def test_every_knowledge_file_is_valid_and_references_resolve():
    result = load_documents(KNOWLEDGE)
    messages = [describe_problem(p) for p in result.problems]
    assert messages == []
    assert len(result.documents) == len(list_files(KNOWLEDGE)) >= 50
    assert all(d.has_front_matter for d in result.documents)


def test_ids_equal_file_names_and_titles_match_the_heading():
    for doc in load_documents(KNOWLEDGE).documents:
        assert Path(doc.path).stem == doc.id, doc.path
        first_line = doc.text.splitlines()[0]
        assert first_line == f"# {doc.titel}", doc.path


def test_every_document_names_sources_and_a_date():
    for doc in load_documents(KNOWLEDGE).documents:
        assert doc.bronnen and all(b.titel for b in doc.bronnen), doc.path
        assert re.match(r"^\d{4}-\d{2}", doc.peildatum), doc.path


def test_knowledge_base_covers_every_kind_and_the_fixed_ids():
    ids = {d.id: d.soort for d in load_documents(KNOWLEDGE).documents}
    for knop in (
        "noodzaak-doel",
        "matcher",
        "wet-en-regelgeving",
        "werk-anders-organiseren",
        "laagdrempeligheid",
        "sectorkenner",
    ):
        assert ids[knop] == "knop"
    for casus in (
        "brainport-hybride-techdocent", "hybride-docent", "nationale-zorgreserve", "society-college",
        "future-of-work-samhoud", "dienjaar", "house-of-pilots", "hr-ecosysteem-defensie",
        "werken-buiten-je-zorgbubbel", "zorgpact-actie-leer-netwerk",
    ):  # fmt: skip
        assert ids[casus] == "casus"
    assert {"casus", "knop", "verslag", "leernetwerk", "regel", "achtergrond"} <= set(ids.values())


def test_ellen_koop_is_never_linked_to_the_han():
    for doc in load_documents(KNOWLEDGE).documents:
        for sentence in re.split(r"(?<=[.!?])\s+", doc.text):
            if "Koop" in sentence:
                assert not re.search(r"\bHAN\b", sentence), f"{doc.path}: {sentence}"


def _word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.sub(r"[^\w\s]", " ", text.lower()).split()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.skipif(not SOURCES.is_dir(), reason="../shared/sources is not beside the repository")
def test_no_sentence_is_copied_from_the_sources():
    source_runs: set[tuple[str, ...]] = set()
    for path in SOURCES.iterdir():
        if path.is_file():
            source_runs |= _word_runs(path.read_text(encoding="utf-8", errors="replace"), COPY_WORDS)
    copied = []
    for doc in load_documents(KNOWLEDGE).documents:
        for run in _word_runs(doc.text, COPY_WORDS) & source_runs:
            copied.append(f"{doc.path}: {' '.join(run)}")
    assert copied == []
