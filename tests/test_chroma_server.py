"""The store on a real Chroma server (`WIBB_CHROMA_URL`): same behaviour as embedded, survives restarts.

Starts `chroma run` (installed with chromadb) on 127.0.0.1 on a free port, offline, and stops it
again; the tiny corpus is ingested with the fake embedder.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import fake_settings

from assistant import texts
from assistant.cli import main
from assistant.core.filters import Filters
from assistant.embedding import EmbedderIdentity, create_embedder
from assistant.embedding.fake import FakeEmbedder
from assistant.errors import ConfigError, IndexMismatchError, StoreUnavailableError
from assistant.factory import build_assistant, build_store
from assistant.ingest.indexing import ingest
from assistant.store.chroma import VectorStore
from assistant.store.client import server_url

pytestmark = pytest.mark.slow

QUESTION = "Hoeveel zorgreservisten zijn er ingeschreven?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    """`chroma run` over one folder and one port; stop() and start() again keep both."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        chroma = Path(sys.executable).parent / "chroma"
        command = [
            str(chroma),
            "run",
            "--path",
            str(self.path),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        log = open(self.path.parent / "chroma.log", "ab")  # noqa: SIM115  # the server owns it while it runs
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (self.path.parent / "chroma.log").read_text()[-2000:]
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise TimeoutError(f"chroma server on {self.url} did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "chroma")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def served(server, tmp_path_factory):
    """Settings pointing at the server, and the report of the first ingest into it."""
    settings = fake_settings(tmp_path_factory.mktemp("served") / "data", chroma_url=server.url)
    report = ingest(settings.knowledge_dir, build_store(settings), create_embedder(settings.embedding))
    return settings, report


@pytest.fixture
def running(server):
    """Whatever a test did to the server, it runs again afterwards."""
    yield server
    if server.process is None:
        server.start()


def test_ingest_through_the_server_keeps_the_manifest_and_is_incremental(served):
    settings, first = served
    assert (first.chunks, first.chunks_added, first.sentences_added) == (15, 15, 20)
    again = ingest(settings.knowledge_dir, build_store(settings), create_embedder(settings.embedding))
    assert (again.chunks_added, again.chunks_unchanged, again.chunks_removed, again.sentences_added) == (
        0,
        15,
        0,
        0,
    )
    assert build_store(settings).manifest() == FakeEmbedder().identity
    with pytest.raises(IndexMismatchError):
        build_store(settings).open(EmbedderIdentity("fake", "another-model", 512), create=False)
    assert not (settings.data_dir / "chroma").exists()  # nothing was written to an embedded store


def test_server_answers_exactly_like_the_embedded_store(served, assistant):
    served_assistant = build_assistant(served[0])
    assert served_assistant.retriever.store.location == served[0].chroma_url
    for question, filters in [
        (QUESTION, None),
        ("Wat doet een matcher?", None),
        ("zorgreservisten", Filters(sector=("onderwijs",))),
        ("matcher vraag aanbod", Filters(soort=("casus",))),
        ("deelnemers", Filters(doc_ids=("techdocent",))),
    ]:
        here, there = (
            assistant.answer(question, filters=filters),
            served_assistant.answer(question, filters=filters),
        )
        assert [h.chunk.id for h in there.retrieved] == [h.chunk.id for h in here.retrieved], question
        assert (there.text, there.refused) == (here.text, here.refused)
    limited = served_assistant.answer("zorgreservisten", filters=Filters(sector=("onderwijs",)))
    assert limited.retrieved
    assert all({"onderwijs", "sectoroverstijgend"} & set(h.chunk.doc.sector) for h in limited.retrieved)


def test_nothing_is_lost_when_the_server_restarts(served, running):
    settings = served[0]
    assistant = build_assistant(settings)
    before = assistant.answer(QUESTION)
    assert "[1]" in before.text and before.citations[0].doc_id == "zorgreserve"
    running.stop()
    running.start()
    assert assistant.answer(QUESTION).text == before.text  # the same client reconnects
    fresh = build_assistant(settings)
    assert fresh.retriever.store.count() == 15 and fresh.retriever.size == 15
    assert fresh.answer(QUESTION).text == before.text


def test_asking_while_the_server_is_down_gives_the_dutch_message_and_recovers(
    served, running, capsys, monkeypatch
):
    settings = served[0]
    assistant = build_assistant(settings)
    running.stop()

    with pytest.raises(StoreUnavailableError) as raised:
        assistant.answer(QUESTION)
    message = texts.describe_error(raised.value)
    assert message.startswith(f"De Chroma-server op {running.url} is niet bereikbaar.")
    assert "chroma run" in message
    with pytest.raises(StoreUnavailableError):
        build_assistant(settings)

    monkeypatch.setenv("WIBB_CHROMA_URL", running.url)
    monkeypatch.setenv("WIBB_EMBED_BACKEND", "fake")
    assert main(["--data-dir", str(settings.data_dir), "ask", QUESTION]) == 1
    assert capsys.readouterr().err.strip() == message

    running.start()
    answer = assistant.answer(QUESTION)
    assert not answer.refused and answer.citations[0].doc_id == "zorgreserve"


def test_a_server_address_without_scheme_means_http_and_a_bad_one_is_refused(server, tmp_path):
    assert server_url("chroma-host:8000") == "http://chroma-host:8000"
    assert server_url("https://chroma.example.org") == "https://chroma.example.org"
    assert server_url("") == ""
    store = VectorStore(tmp_path, f"127.0.0.1:{server.port}")
    assert store.location == server.url and store.manifest() == FakeEmbedder().identity
    for bad in ("ftp://chroma-host:8000", "http://"):
        with pytest.raises(ConfigError) as raised:
            VectorStore(tmp_path, bad)
        assert texts.describe_error(raised.value).startswith("Ongeldige instelling chroma_url")


def test_rebuild_through_the_server_embeds_everything_again(server, tmp_path):
    settings = fake_settings(tmp_path / "data", chroma_url=server.url, collection="rebuilt")
    embedder = create_embedder(settings.embedding)
    assert ingest(settings.knowledge_dir, build_store(settings), embedder).chunks_added == 15
    again = ingest(settings.knowledge_dir, build_store(settings), embedder, rebuild=True)
    assert (again.chunks_added, again.chunks_removed, again.sentences_added) == (15, 0, 20)
    assert build_store(settings).open(embedder.identity, create=False).count() == 15


def test_each_machine_keeps_its_own_copy_of_the_lexical_index_current(server, tmp_path):
    """With a server, the lexical index lives in each machine's data folder: the ingest machine writes it; another
    machine rebuilds its copy once (in Dutch), or has `wibb ingest` write it without embedding anything."""
    import shutil

    from conftest import TINY

    folder = tmp_path / "kennis"
    shutil.copytree(TINY, folder)
    here = fake_settings(
        tmp_path / "here", knowledge_dir=folder, chroma_url=server.url, collection="machines"
    )
    there = here.model_copy(update={"data_dir": tmp_path / "there"})
    third = here.model_copy(update={"data_dir": tmp_path / "third"})
    ingest(folder, build_store(here), FakeEmbedder())
    store = build_store(here).open(FakeEmbedder().identity, create=False)
    assert store.lexical_dir == tmp_path / "here" / "lexical" / f"machines@127.0.0.1-{server.port}"
    assert (store.lexical_dir / store.revision() / "manifest.json").exists()

    heard: list[str] = []
    running = build_assistant(there, notify=heard.append)  # nothing in this machine's data folder yet
    assert running.retriever.corpus.rebuilt == "missing" and len(heard) == 1
    assert build_assistant(there).retriever.corpus.rebuilt == ""  # the next process opens the copy

    report = ingest(folder, build_store(third), FakeEmbedder())  # `wibb ingest` on a third machine
    assert (report.chunks_added, report.lexical_written, report.lexical_counted) == (0, True, 15)
    assert build_store(third).open(FakeEmbedder().identity, create=False).revision() == store.revision()
    assert build_assistant(third).retriever.corpus.rebuilt == ""

    # an ingest elsewhere: the running app rebuilds its copy in the background and answers meanwhile
    running.retriever.REVISION_CHECK_S = 0.0
    path = folder / "casussen" / "zorgreserve.md"
    path.write_text(path.read_text().replace("3500 ingeschreven", "3900 ingeschreven"))
    ingest(folder, build_store(here), FakeEmbedder())
    assert running.answer(QUESTION).text  # answered from the previous revision or the new one, never an error
    rebuilding = running.retriever._rebuilding
    assert rebuilding is not None
    rebuilding.join(60)
    answer = running.answer(QUESTION)
    assert "3900" in answer.text and running.retriever.corpus.rebuilt == "stale"
