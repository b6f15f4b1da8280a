"""Reading an embedded index through Chroma's engine (store.native) gives what chromadb's own client gives."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.core.filters import Filters
from assistant.embedding.fake import FakeEmbedder
from assistant.errors import IndexMissingError
from assistant.factory import build_store
from assistant.store import native

QUESTIONS = [
    "Hoeveel zorgreservisten zijn er ingeschreven?",
    "Wat doet een matcher?",
    "Kan een docent ook in de zorg werken?",
]


@pytest.fixture(scope="module")
def both(tiny_index):
    identity = FakeEmbedder().identity
    fast = build_store(tiny_index, read_only=True).open(identity, create=False)
    full = build_store(tiny_index).open(identity, create=False)
    assert fast.native and not full.native
    return fast, full


def test_the_installed_chromadb_is_one_the_bindings_were_tested_with():
    """When this fails, chromadb was upgraded: check `store.native` against its `chromadb.api.rust`, then add
    the version to `TESTED` (until then every question pays `import chromadb`, and this test says so)."""
    import chromadb_rust_bindings

    assert native.chromadb_version(chromadb_rust_bindings.__file__) in native.TESTED


@pytest.mark.parametrize("filters", [None, Filters(sector=("zorg",)), Filters(soort=("casus",))])
def test_a_search_finds_the_same_chunks_with_the_same_scores(both, filters):
    fast, full = both
    for question in QUESTIONS:
        vector = FakeEmbedder().embed_queries([question])[0]
        found, expected = fast.query(vector, 8, filters), full.query(vector, 8, filters)
        assert np.allclose([s for _, s in found], [s for _, s in expected]) and found
        # the fake embedder scores unrelated chunks 0.0 alike, and ties come back in any order
        assert [i for i, s in found if s > 1e-6] == [i for i, s in expected if s > 1e-6]


def test_texts_sentences_and_the_manifest_read_the_same(both):
    fast, full = both
    chunks = full.all_chunks()
    assert fast.all_chunks() == chunks and fast.count() == full.count() == len(chunks)
    ids = [c.id for c in chunks]
    assert fast.texts([*ids[:5], "no-such-chunk"]) == full.texts(ids[:5]) and len(full.texts(ids[:5])) == 5
    got, expected = fast.sentences(chunks[:6]), full.sentences(chunks[:6])
    assert sorted(got) == sorted(expected)
    for chunk_id, pairs in expected.items():
        assert [t for t, _ in got[chunk_id]] == [t for t, _ in pairs]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(got[chunk_id], pairs, strict=True))
    assert (fast.revision(), fast.lexical(), fast.manifest()) == (
        full.revision(),
        full.lexical(),
        full.manifest(),
    )
    assert fast.revision() and fast.manifest() == FakeEmbedder().identity


def test_an_untested_chromadb_or_a_missing_index_reads_through_chromadbs_own_client(
    tiny_index, tmp_path, monkeypatch
):
    monkeypatch.setattr(native, "TESTED", frozenset())
    store = build_store(tiny_index, read_only=True).open(FakeEmbedder().identity, create=False)
    assert not store.native and store.count() > 0
    monkeypatch.undo()
    empty = build_store(tiny_index.model_copy(update={"data_dir": tmp_path / "none"}), read_only=True)
    assert not empty.native
    with pytest.raises(IndexMissingError):
        empty.open(FakeEmbedder().identity, create=False)


def test_a_store_opened_for_reading_writes_nothing(both):
    from assistant.errors import StoreUnavailableError

    fast, _ = both
    with pytest.raises(StoreUnavailableError):
        fast.set_revision("spoilt")
    assert fast.revision() != "spoilt"
