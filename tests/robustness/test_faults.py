"""Faults: an ingest killed halfway, a corrupt or deleted store; nothing lost, and a way back."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, TINY, fake_settings

from assistant import texts
from assistant.cli import main
from assistant.errors import StoreUnavailableError
from assistant.factory import build_assistant

KILLABLE_INGEST = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from assistant.config import EmbeddingSettings, make_settings
    from assistant.factory import build_store
    from assistant.ingest import indexing
    from assistant.embedding.fake import FakeEmbedder

    indexing.BATCH_CHUNKS = 2
    settings = make_settings(data_dir=Path(sys.argv[1]), embedding=EmbeddingSettings(backend="fake"))

    class Slow(FakeEmbedder):
        def embed_passages(self, texts, progress=None):
            result = super().embed_passages(texts, progress)
            print("batch", flush=True)
            time.sleep(0.3)
            return result

    indexing.ingest(Path(sys.argv[2]), build_store(settings), Slow())
    print("done", flush=True)
    """
)


def _grow(corpus, n: int) -> None:
    """Add n new documents so the second ingest has real work to be killed in."""
    for i in range(n):
        (corpus / "casussen" / f"extra-{i}.md").write_text(
            (TINY / "casussen" / "techdocent.md")
            .read_text()
            .replace("id: techdocent", f"id: extra-{i}")
            .replace("164 professionals", f"{100 + i} professionals")
        )


def test_ingest_killed_halfway_leaves_a_usable_index_and_the_next_ingest_completes(tmp_path):
    corpus = tmp_path / "kennis"
    shutil.copytree(TINY, corpus)
    data = tmp_path / "data"
    settings = fake_settings(data, corpus)
    script = tmp_path / "ingest_slow.py"
    script.write_text(KILLABLE_INGEST.format(root=str(ROOT)))
    assert (
        subprocess.run([sys.executable, str(script), str(data), str(corpus)], capture_output=True).returncode
        == 0
    )

    _grow(corpus, 12)
    (corpus / "regels" / "loonheffingskorting.md").unlink()
    process = subprocess.Popen(
        [sys.executable, str(script), str(data), str(corpus)], stdout=subprocess.PIPE, text=True
    )
    batches = 0
    for line in process.stdout:  # type: ignore[union-attr]
        batches += line.startswith("batch")
        if batches == 4:
            os.kill(process.pid, signal.SIGKILL)
            break
    process.wait()
    assert process.returncode == -signal.SIGKILL

    answer = build_assistant(settings).answer("Hoeveel zorgreservisten zijn er ingeschreven?")
    assert "3500" in answer.text  # the previous index still answers

    from assistant.embedding import create_embedder
    from assistant.factory import build_store
    from assistant.ingest.indexing import ingest

    embedder = create_embedder(settings.embedding)
    resumed = ingest(corpus, build_store(settings), embedder)
    assert 0 < resumed.chunks_added < 12 * 2  # only what the killed run had not written yet
    assert resumed.chunks_removed == 2  # the deleted file's chunks
    again = ingest(corpus, build_store(settings), embedder)
    assert (again.chunks_added, again.chunks_removed) == (0, 0)
    store = build_store(settings).open(create_embedder(settings.embedding).identity, create=False)
    chunks = store.all_chunks()
    assert len({c.doc.id for c in chunks}) == 5 + 12
    assert set(store.sentence_chunks().values()) == {c.id for c in chunks}


@pytest.fixture
def built(tmp_path, monkeypatch):
    monkeypatch.setenv("WIBB_EMBED_BACKEND", "fake")
    monkeypatch.setenv("WIBB_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("WIBB_KNOWLEDGE_DIR", str(TINY))
    assert main(["ingest"]) == 0
    return fake_settings(tmp_path / "data")


def test_a_corrupt_store_gives_a_dutch_message_and_rebuild_recovers(built, capsys):
    sqlite = built.data_dir / "chroma" / "chroma.sqlite3"
    sqlite.write_bytes(b"dit is geen database" * 100)
    with pytest.raises(StoreUnavailableError) as error:
        build_assistant(built)
    assert texts.describe_error(error.value).startswith("De index in ")
    assert "python ingest.py --rebuild" in texts.describe_error(error.value)
    capsys.readouterr()
    assert main(["ask", "Wat is de matcher?"]) == 1
    assert "python ingest.py --rebuild" in capsys.readouterr().err
    assert main(["ingest", "--rebuild"]) == 0
    assert "3500" in build_assistant(built).answer("Hoeveel zorgreservisten zijn er ingeschreven?").text


def test_a_deleted_store_says_to_ingest_first(built, tmp_path):
    shutil.rmtree(built.data_dir / "chroma")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "Wat is de matcher?"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == "Er is nog geen index. Voer eerst `python ingest.py` uit (of `wibb ingest`).\n"
