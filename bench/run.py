"""Benchmarks (not tests): `python bench/run.py [--quick] [--only SECTION ...]` writes bench/RESULTS.md.

Sections, in order: ingest, latency, coldstart, scale, baseline, reader (bench/README.md says what
each measures). `make bench` runs all of them and writes every section of RESULTS.md from that one
run (an hour or more on 2 cores, most of it embedding knowledge/ from scratch and the 100k-chunk
corpus; writing that corpus the first time adds another). `--quick` is a fast subset: from-scratch
ingest of one folder, fewer repeats, only the 1k synthetic corpus.
Raw figures go to bench/cache/results.json; work files to bench/cache/work/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report
from measure import BENCH, CACHE, load_average, machine, run_worker


def reader_backend() -> str:
    """The reader the measured assistant answers with: WIBB_READER_BACKEND, else the settings' default."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from assistant.config import ReaderSettings

    return ReaderSettings().backend


SECTIONS = ("ingest", "latency", "coldstart", "scale", "baseline", "reader")


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="a fast subset (a few minutes once caches exist)"
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    parser.add_argument("--out", type=Path, default=BENCH / "RESULTS.md", help="where to write the Markdown")
    args = parser.parse_args(argv)

    import ingest_bench

    work = CACHE / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sections = args.only or list(SECTIONS)
    results: dict[str, Any] = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "command": "python bench/run.py"
        + (" --quick" if args.quick else "")
        + (f" --only {' '.join(args.only)}" if args.only else ""),
        "machine": {**machine(), "reader": reader_backend()},
        "load": {},
    }
    data_dir = ingest_bench.INDEX / "data"
    if "ingest" not in sections:  # the ingest section refreshes the knowledge index itself
        results["index"] = ingest_bench.refresh_index(log)
    for section in sections:
        started, load_before = time.perf_counter(), load_average()
        log(f"{section} (load average {load_before})")
        if section == "ingest":
            results["ingest"] = ingest_bench.run(work, args.quick, log)
        elif section == "latency":
            results["latency"] = run_worker("latency", data_dir=str(data_dir), passes=2 if args.quick else 5)
        elif section == "coldstart":
            import coldstart

            results["coldstart"] = coldstart.run(data_dir, work, args.quick, log)
        elif section == "scale":
            import scale

            results["scale"] = scale.run(data_dir, args.quick, log)
        elif section == "baseline":
            results["baseline"] = {
                "llama_index": run_worker("baseline", passes=2 if args.quick else 3, data_dir=str(data_dir)),
                "wibb": run_worker("quality", data_dir=str(data_dir)),
            }
        elif section == "reader":
            results["reader"] = run_worker("reader", data_dir=str(data_dir), passes=1 if args.quick else 3)
        results["load"][section] = {
            "before": load_before,
            "after": load_average(),
            "minutes": (time.perf_counter() - started) / 60,
            "command": results["command"],
            "at": datetime.now().isoformat(timespec="minutes"),
        }
        save(results, merge=bool(args.only) or section != sections[-1])  # a later crash keeps this section
    results["finished"] = datetime.now().isoformat(timespec="seconds")
    results = save(results, merge=bool(args.only))
    args.out.write_text(report.markdown(results))
    log(f"wrote {args.out} and {CACHE / 'results.json'}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def save(results: dict[str, Any], merge: bool) -> dict[str, Any]:
    """Write the raw figures; with `merge`, over the other sections of the last run of the same mode."""
    raw = CACHE / "results.json"
    if merge and raw.exists():
        previous = json.loads(raw.read_text())
        if previous.get("mode") == results["mode"]:
            results = {**previous, **results, "load": {**previous.get("load", {}), **results["load"]}}
    raw.write_text(json.dumps(results, indent=1, default=float))
    return results


if __name__ == "__main__":
    raise SystemExit(main())
