"""Incremental ingest by content: unchanged sections are not re-embedded, changed replaced, removed deleted."""

from __future__ import annotations

import shutil

import pytest
from conftest import TINY

from assistant.core.documents import sentences_of
from assistant.embedding import create_embedder
from assistant.embedding.fake import FakeEmbedder
from assistant.errors import IndexMismatchError
from assistant.factory import build_store
from assistant.ingest.indexing import ingest


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.passages: list[str] = []

    def embed_passages(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.passages.extend(texts)
        return super().embed_passages(texts, progress)


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "kennis"
    shutil.copytree(TINY, folder)
    return folder


def test_first_ingest_embeds_everything_and_reports_it(settings, corpus):
    embedder = CountingEmbedder()
    steps: list[int] = []

    def progress(total: int, label: str):  # type: ignore[no-untyped-def]
        steps.append(-total)
        return steps.append

    report = ingest(corpus, build_store(settings), embedder, progress=progress)
    assert (report.documents, report.documents_changed, report.documents_removed) == (6, 6, 0)
    assert report.chunks == report.chunks_added == 15
    assert (report.chunks_unchanged, report.chunks_removed) == (0, 0)
    assert report.sentences_added == 20
    assert len(embedder.passages) == 15 + 20
    assert steps[0] == -35 and sum(steps[1:]) == 35
    assert report.problems == ()


def test_second_ingest_with_nothing_changed_embeds_nothing(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    embedder = CountingEmbedder()
    report = ingest(corpus, build_store(settings), embedder)
    assert embedder.passages == []
    assert (report.chunks_added, report.chunks_unchanged, report.chunks_removed) == (0, 15, 0)
    assert report.documents_changed == 0


def test_changed_file_is_replaced_and_removed_file_deleted(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    path = corpus / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3600 ingeschreven"))
    (corpus / "regels" / "loonheffingskorting.md").unlink()
    embedder = CountingEmbedder()
    report = ingest(corpus, build_store(settings), embedder)
    assert (report.documents, report.documents_changed, report.documents_removed) == (5, 1, 1)
    assert (report.chunks_added, report.chunks_removed) == (1, 3)
    assert any("3600" in text for text in embedder.passages)
    store = build_store(settings).open(FakeEmbedder().identity, create=False)
    chunks = store.all_chunks()
    assert len(chunks) == 13
    assert not any(c.doc.id == "loonheffingskorting" for c in chunks)
    assert any("3600" in c.text for c in chunks) and not any("3500" in c.text for c in chunks)
    assert set(store.sentence_chunks().values()) == {c.id for c in chunks}


def test_a_chunks_sentences_are_read_back_by_id_in_reading_order(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    store = build_store(settings).open(FakeEmbedder().identity, create=False)
    chunks = sorted(store.all_chunks(), key=lambda c: c.id)
    read = store.sentences([*chunks, chunks[0]])  # a chunk asked twice is read once
    assert set(read) == {c.id for c in chunks}
    for chunk in chunks:
        assert [text for text, _ in read[chunk.id]] == [s.text for s in sentences_of(chunk)]
        assert all(vector.shape == (FakeEmbedder().identity.dimension,) for _, vector in read[chunk.id])
    assert store.sentences([]) == {}


def test_rebuild_starts_from_an_empty_index(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    embedder = CountingEmbedder()
    report = ingest(corpus, build_store(settings), embedder, rebuild=True)
    assert report.chunks_added == 15 and len(embedder.passages) == 35


def test_index_refuses_another_embedding_model(settings, corpus):
    ingest(corpus, build_store(settings), FakeEmbedder())
    other = FakeEmbedder(dimension=256)
    with pytest.raises(IndexMismatchError) as error:
        ingest(corpus, build_store(settings), other)
    assert error.value.stored == "fake:hashed-stems (512d)"
    assert error.value.configured == "fake:hashed-stems (256d)"
    assert ingest(corpus, build_store(settings), other, rebuild=True).chunks_added == 15


def test_bad_files_are_reported_and_the_rest_is_ingested(settings, corpus):
    (corpus / "kapot.md").write_text("---\nid: kapot\n---\nTekst")
    report = ingest(corpus, build_store(settings), create_embedder(settings.embedding))
    assert report.documents == 6
    assert [(p.path, p.code, p.field) for p in report.problems] == [("kapot.md", "missing_field", "titel")]


def test_a_running_assistant_sees_a_new_ingest_without_restart(settings, corpus):
    from assistant.factory import build_assistant

    ingest(corpus, build_store(settings), FakeEmbedder())
    assistant = build_assistant(settings)
    assistant.retriever.REVISION_CHECK_S = 0.0
    assert "3500" in assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?").text
    path = corpus / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3700 ingeschreven"))
    ingest(corpus, build_store(settings), FakeEmbedder())
    answer = assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "3700" in answer.text and "3500" not in answer.text


def test_a_running_assistant_survives_a_rebuild_by_another_process(settings, corpus):
    from assistant.factory import build_assistant

    ingest(corpus, build_store(settings), FakeEmbedder())
    assistant = build_assistant(settings)
    ingest(
        corpus, build_store(settings), FakeEmbedder(), rebuild=True
    )  # new collections under the same names
    answer = assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "3500" in answer.text


def test_ingest_marks_a_new_revision_only_when_something_changed(settings, corpus):
    store = build_store(settings)
    ingest(corpus, store, FakeEmbedder())
    first = store.revision()
    assert first
    ingest(corpus, build_store(settings), FakeEmbedder())
    assert build_store(settings).open(FakeEmbedder().identity, create=False).revision() == first
    (corpus / "regels" / "loonheffingskorting.md").unlink()
    ingest(corpus, build_store(settings), FakeEmbedder())
    assert build_store(settings).open(FakeEmbedder().identity, create=False).revision() != first


def test_a_running_assistant_sees_an_ingest_by_another_process(settings, corpus):
    """Embedded Chroma keeps its vector index in memory: a reload must reconnect, not just re-read."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    from assistant.factory import build_assistant

    ingest(corpus, build_store(settings), FakeEmbedder())
    assistant = build_assistant(settings)
    assistant.retriever.REVISION_CHECK_S = 0.0
    assert "3500" in assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?").text
    path = corpus / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3800 ingeschreven"))
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WIBB_EMBED_BACKEND": "fake",
        "WIBB_DATA_DIR": str(settings.data_dir),
        "WIBB_KNOWLEDGE_DIR": str(corpus),
    }
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ingest"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    answer = assistant.answer("Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "3800" in answer.text and answer.retrieved[0].dense is not None
