"""One benchmark task in a fresh process: `python bench/worker.py TASK '{json args}'`.

A fresh process per measurement keeps peak memory per task honest and lets the embedded Chroma
files be opened by a server afterwards. The result is printed as one `BENCH-RESULT {json}` line.
"""

from __future__ import annotations

import json
import sys
import time

STARTED = time.perf_counter()


def main() -> None:
    import baseline
    import ingest_bench
    import latency
    import reader_cost
    import scale
    from measure import emit

    tasks = {**ingest_bench.TASKS, **latency.TASKS, **scale.TASKS, **baseline.TASKS, **reader_cost.TASKS}
    task, args = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    result = tasks[task](**args)
    result["process_s"] = time.perf_counter() - STARTED
    emit(result)


if __name__ == "__main__":
    main()
