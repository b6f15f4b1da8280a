"""Several app instances sharing one state, for real: a PostgreSQL server from Debian's package and a Chroma
server behind the token gate, both started here on 127.0.0.1 and stopped afterwards.

- feedback and test runs go to PostgreSQL through the same code as the SQLite default (Alembic schema);
- two app instances (separate processes) against both: a 👎 given in one is in the other's Toetsen tab,
  a run of one is in the other's list of runs, and 20 concurrent sessions over the two store every row;
- a database that goes away gives a Dutch message and loses nothing already stored;
- a wrong or missing Chroma token gives a Dutch message naming WIBB_CHROMA_TOKEN.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import TINY, fake_settings, free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "proef-token-7f3a"
PASSWORD = "geheim-pg-wachtwoord"


def _postgres_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


class PostgresServer:
    """A throw-away cluster: initdb into a temporary folder, pg_ctl on 127.0.0.1 and a free port."""

    def __init__(self, binaries: Path) -> None:
        self.bin = binaries
        self.root = Path(tempfile.mkdtemp(prefix="wibb-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # postgres refuses to run as root: run it as the package's own user
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o755)
        password = self.root / "password"
        password.write_text(PASSWORD + "\n")
        if self.as_user:
            shutil.chown(password, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "wibb", f"--pwfile={password}", "-A", "scram-sha-256",
                  "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        env = {**os.environ, "PGPASSWORD": PASSWORD}
        subprocess.run([str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "wibb",
                        "wibb"], check=True, env=env, capture_output=True)  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql://wibb:{PASSWORD}@127.0.0.1:{self.port}/wibb"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True,
                       cwd=self.root)  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c max_connections=100"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    binaries = _postgres_bin()
    if binaries is None:
        message = "Debian's postgresql is not installed: run `make postgresql` (apt-get install postgresql)"
        if os.environ.get("REQUIRE_POSTGRES"):  # set by `make test`: in CI a missing server is a failure
            pytest.fail(message)
        pytest.skip(message)
    server = PostgresServer(binaries)
    yield server
    server.remove()


@pytest.fixture(scope="module")
def chroma_with_token(tmp_path_factory):
    """`chroma run` on 127.0.0.1 behind the token gate (`python -m assistant.store.gate`), with the tiny
    index ingested through the gate."""
    from test_chroma_server import ChromaServer

    folder = tmp_path_factory.mktemp("chroma-token")
    chroma = ChromaServer(folder / "chroma")
    chroma.start()
    port = free_port()
    env = {**os.environ, "WIBB_CHROMA_TOKEN": TOKEN}
    log = open(folder / "gate.log", "ab")  # noqa: SIM115  # the gate owns it while it runs
    gate = subprocess.Popen([sys.executable, "-m", "assistant.store.gate", "--upstream", chroma.url, "--port",
                             str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)  # fmt: skip
    import httpx

    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        assert gate.poll() is None, (folder / "gate.log").read_text()[-2000:]
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise TimeoutError("the token gate did not start")
    assert (
        httpx.get(f"{url}/api/v2/tenants/default_tenant", timeout=5).status_code == 403
    )  # no token: no entry
    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.ingest.indexing import ingest

    settings = fake_settings(folder / "ingest", TINY, chroma_url=url, chroma_token=TOKEN)
    report = ingest(TINY, build_store(settings), create_embedder(settings.embedding))
    assert report.documents == 6 and not report.problems
    yield url
    gate.terminate()
    gate.wait(20)
    log.close()
    chroma.stop()


def shared_settings(data_dir: Path, postgres: PostgresServer, chroma: str):
    return fake_settings(data_dir, TINY, chroma_url=chroma, chroma_token=TOKEN, database_url=postgres.url)


def test_feedback_in_postgresql_round_trips_with_the_migrated_schema(postgres):
    from sqlalchemy import create_engine, text

    from assistant.feedback.store import DISLIKE, FeedbackStore

    store = FeedbackStore(postgres.url)
    first = store.add(rating=DISLIKE, question="Wat kost het?", answer="Dat staat er niet in.", cited=["a"],
                      filters={"sector": ["zorg"]}, context=("Wat is de Zorgreserve?",))  # fmt: skip
    [entry] = [e for e in store.entries() if e.id == first]
    assert (entry.question, entry.cited, entry.filters, entry.context) == (
        "Wat kost het?", ("a",), {"sector": ["zorg"]}, ("Wat is de Zorgreserve?",))  # fmt: skip
    assert (
        store.set_comment(first, "mist het bedrag")
        and store.entries(ids=[first])[0].comment == "mist het bedrag"
    )
    with create_engine(postgres.url.replace("postgresql://", "postgresql+psycopg://")).connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
        tables = set(
            conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars()
        )
    assert {"feedback", "eval_runs", "eval_cases", "alembic_version"} <= tables


def test_a_wrong_or_missing_chroma_token_is_a_dutch_message_naming_the_setting(chroma_with_token, tmp_path):
    from assistant import texts
    from assistant.errors import StoreAuthError
    from assistant.factory import build_assistant

    for token in ("", "fout-token"):
        with pytest.raises(StoreAuthError) as caught:
            build_assistant(
                fake_settings(tmp_path / "data", TINY, chroma_url=chroma_with_token, chroma_token=token)
            )
        message = texts.describe_error(caught.value)
        assert "WIBB_CHROMA_TOKEN" in message and chroma_with_token in message and "Traceback" not in message
    ok = build_assistant(
        fake_settings(tmp_path / "data", TINY, chroma_url=chroma_with_token, chroma_token=TOKEN)
    )
    assert "3500" in ok.answer("Hoeveel zorgreservisten zijn er ingeschreven?").text


def _app(settings, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`python app.py` as a separate process: one app instance."""
    env = {**os.environ, "WIBB_DATA_DIR": str(settings.data_dir), "WIBB_KNOWLEDGE_DIR": str(TINY),
           "WIBB_EMBED_BACKEND": "fake", "WIBB_MIN_EVIDENCE": "0.23", "WIBB_CHROMA_URL": settings.chroma_url,
           "WIBB_CHROMA_TOKEN": TOKEN, "WIBB_DATABASE_URL": settings.database_url.get_secret_value(),
           "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}  # fmt: skip
    out = open(log, "ab")  # noqa: SIM115  # the instance owns it while it runs
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], env=env, stdout=out,
                            stderr=subprocess.STDOUT, cwd=ROOT)  # fmt: skip


def _wait(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.time() + 90
    while time.time() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(log.read_text()[-3000:])


@pytest.fixture(scope="module")
def two_instances(postgres, chroma_with_token, tmp_path_factory):
    folder = tmp_path_factory.mktemp("instances")
    settings = shared_settings(folder / "data", postgres, chroma_with_token)
    ports = [free_port(), free_port()]
    logs = [folder / f"app-{n}.log" for n in (1, 2)]
    processes = [_app(shared_settings(folder / f"data-{n}", postgres, chroma_with_token), p, log)
                 for n, (p, log) in enumerate(zip(ports, logs, strict=True), start=1)]  # fmt: skip
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    for url, process, log in zip(urls, processes, logs, strict=True):
        _wait(url + "/", process, log)
    yield urls, settings
    for process in processes:
        process.terminate()
        process.wait(30)


def test_a_dislike_in_one_instance_is_in_the_others_toetsen_tab(two_instances):
    pytest.importorskip("playwright")
    from playwright.sync_api import sync_playwright

    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("Debian chromium is not installed")
    (first, second), _ = two_instances
    question = "Hoeveel zorgreservisten zijn er ingeschreven? (gedeelde proef)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        page.goto(first + "/")
        box = page.locator("#wibb-vraag textarea")
        box.fill(question)
        box.press("Enter")
        page.locator("#wibb-chat").get_by_text("Bronnen (").first.wait_for()
        page.get_by_role("button", name="Vind ik niet leuk").first.click()
        page.get_by_text("Bedankt voor je 👎").first.wait_for()
        other = browser.new_page(viewport={"width": 1400, "height": 1000})
        other.set_default_timeout(60_000)
        other.goto(second + "/")
        other.get_by_role("tab", name="Toetsen").click()
        other.get_by_role("button", name="Vernieuwen").click()
        other.wait_for_function(  # the other instance's feedback table shows the question
            "q => [...document.querySelectorAll('table *')].some(e => e.offsetParent && e.childElementCount === 0"
            " && e.textContent.includes(q))",
            arg=question,
        )
        browser.close()


def test_a_run_of_one_instance_is_listed_and_compared_in_the_other(two_instances, postgres, tmp_path):
    from gradio_client import Client

    from assistant.web.app import WebApp
    from assistant.web.runs import compare_two, open_run, runs_overview

    (first, _), settings = two_instances
    client = Client(first, verbose=False)
    for _ in range(2):  # two runs of the bundled tiny set, through the first instance's public API
        path = tmp_path / "vragen.yaml"
        shutil.copy(TINY.parent / "vragen.yaml", path)
        from gradio_client import handle_file

        client.predict("upload", handle_file(str(path)), api_name="/toets")
    here = WebApp(shared_settings(tmp_path / "elders", postgres, settings.chroma_url))  # a third instance
    line, rows, choices = runs_overview(here, True)
    assert len(rows) >= 2 and rows[0][2] == "vragen.yaml" and rows[0][3] == "toetsen", line
    newest, older = choices[0][1], choices[1][1]
    comparison = compare_two(here, older, newest, True)
    assert comparison.startswith("## Vergelijking met run") and "(answer_fact_recall)" in comparison
    # and the third instance opens the run again from PostgreSQL, passages and all
    summary, report, files = open_run(here, newest, True)
    assert summary.startswith(f"### Run {newest} ·") and "**9 vragen, " in summary
    assert report is not None and all(c.passages for c in report.cases)
    assert {Path(f).suffix for f in files} == {".html", ".md", ".json", ".csv"}


def test_twenty_sessions_over_two_instances_store_every_feedback_row(two_instances, postgres, tmp_path):
    """20 concurrent sessions, 10 in each of two app instances (separate processes over the same PostgreSQL
    and Chroma server), each asking a question and giving a 👎."""
    (_, _), settings = two_instances
    script = ROOT / "tests" / "shared_sessions.py"
    env = {**os.environ, "WIBB_CHROMA_URL": settings.chroma_url, "WIBB_CHROMA_TOKEN": TOKEN,
           "WIBB_DATABASE_URL": postgres.url, "HF_HUB_OFFLINE": "1"}  # fmt: skip
    started = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, str(script), str(tmp_path / tag), "10", tag], stdout=subprocess.PIPE,
                                text=True, env=env) for tag in ("a", "b")]  # fmt: skip
    results = [json.loads(w.communicate(timeout=600)[0].strip().splitlines()[-1]) for w in workers]
    elapsed = time.perf_counter() - started
    from assistant.feedback.store import FeedbackStore

    stored = [e for e in FeedbackStore(postgres.url).entries() if e.question.startswith("Sessie ")]
    asked = [q for r in results for q in r["questions"]]
    assert all(r["errors"] == [] for r in results), results
    assert len(asked) == 20 and sorted(e.question for e in stored) == sorted(asked)
    latencies = sorted(x for r in results for x in r["latency_ms"])
    p50, p95 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.95) - 1]
    print(f"\n20 sessions over 2 instances: {len(asked)} answers, {len(stored)} feedback rows written and found, "
          f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, {elapsed:.1f} s in all")  # fmt: skip


def test_a_database_that_goes_away_gives_a_dutch_message_and_keeps_what_was_stored(postgres, tmp_path):
    from assistant import texts
    from assistant.database.engine import forget
    from assistant.errors import DatabaseUnavailableError
    from assistant.feedback.store import LIKE, FeedbackStore
    from assistant.web.session import describe_storage

    store = FeedbackStore(postgres.url)
    kept = store.add(rating=LIKE, question="Blijft dit bewaard?", answer="Ja.")
    before = len(store.entries())
    postgres.stop()
    try:
        with pytest.raises(DatabaseUnavailableError) as caught:
            store.add(rating=LIKE, question="Verloren?", answer="Nee.")
        message = describe_storage(caught.value, tmp_path)
        assert "WIBB_DATABASE_URL" in message and PASSWORD not in message and "blijft bewaard" in message
        assert PASSWORD not in texts.describe_error(caught.value)
    finally:
        postgres.start()
    forget(postgres.url)  # as after a restart of the app; the pool would also recover by itself
    after = FeedbackStore(postgres.url).entries()
    assert len(after) == before and any(e.id == kept for e in after)
