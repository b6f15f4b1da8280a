"""The sentence index in the lexical folder: exact up to a size, an inverted file above it, memory-mapped."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.retrieval import sentences
from assistant.retrieval.sentences import SentenceIndex


def unit(rows: int, dimension: int = 32, seed: int = 1) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(rows, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def clustered(rows: int, centres: int = 40, dimension: int = 32) -> np.ndarray:
    """Sentences about a few dozen topics, as real ones are (not noise)."""
    rng = np.random.default_rng(3)
    topics = unit(centres, dimension, seed=2)
    vectors = topics[rng.integers(0, centres, rows)] + 0.08 * rng.normal(size=(rows, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def test_a_small_index_compares_every_vector_and_names_each_chunk_once_best_first():
    vectors = unit(300)
    chunk_rows = np.arange(300) // 3  # three sentences per chunk
    index = SentenceIndex.build(vectors, chunk_rows, np.arange(300) % 3)
    assert index.centroids is None and index.vectors.dtype == np.float32
    query = vectors[42]
    exact = np.argsort(-(vectors @ query), kind="stable")
    expected = list(dict.fromkeys(int(chunk_rows[i]) for i in exact[:12]))
    assert index.search(query, 12) == expected and expected[0] == 14
    assert SentenceIndex.build(np.zeros((0, 8)), np.zeros(0), np.zeros(0)).search(query, 5) == []


def test_above_the_exact_size_an_inverted_file_finds_nearly_what_comparing_everything_finds(monkeypatch):
    monkeypatch.setattr(sentences, "EXACT_UP_TO", 1000)
    vectors = clustered(6000)
    index = SentenceIndex.build(vectors, np.arange(6000), np.zeros(6000))
    assert index.centroids is not None and index.offsets is not None and index.vectors.dtype == np.float16
    assert len(index.centroids) == 77 and index.offsets[-1] == 6000
    found = overlap = 0
    for query in clustered(6000)[::300] + 0.01:
        query = query / np.linalg.norm(query)
        exact = set(np.argsort(-(vectors @ query))[:20].tolist())
        overlap += len(exact & set(index.search(query, 20)))
        found += 20
    assert overlap / found >= 0.9  # a question reads a few of the lists, not every vector


def test_the_same_sentences_give_the_same_index(monkeypatch):
    monkeypatch.setattr(sentences, "EXACT_UP_TO", 500)
    vectors = clustered(2000)
    one, two = (SentenceIndex.build(vectors, np.arange(2000), np.zeros(2000)) for _ in range(2))
    assert np.array_equal(one.centroids, two.centroids) and np.array_equal(one.chunk_rows, two.chunk_rows)


@pytest.mark.parametrize("rows", [200, 3000])
def test_a_saved_index_is_memory_mapped_and_answers_as_before(tmp_path, monkeypatch, rows):
    monkeypatch.setattr(sentences, "EXACT_UP_TO", 1000)
    vectors = clustered(rows)
    index = SentenceIndex.build(vectors, np.arange(rows) // 2, np.arange(rows) % 2)
    index.save(tmp_path)
    opened = SentenceIndex.load(tmp_path)
    assert isinstance(opened.vectors, np.memmap)
    for query in vectors[:5]:
        assert opened.search(query, 10) == index.search(query, 10)
    # a chunk's vectors by their position in it, whichever list they are in
    mine = opened.of_chunks([7, rows])[7]
    assert sorted(mine) == [0, 1] and opened.of_chunks([rows]) == {}
    assert np.allclose(mine[1], vectors[15], atol=1e-3) and np.allclose(mine[0], vectors[14], atol=1e-3)
