"""Making a Chroma client: embedded under the data folder, or HTTP to a server; and removing a local store."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from assistant.errors import ConfigError, StoreAuthError, StoreUnavailableError


def forget_local_system(path: str, *, stop: bool) -> None:
    """Chroma caches one open system per path in-process. It does not see what other processes write
    to the vector index later, and a cached one would outlive deleted files: forget it."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_refcount.pop(path, None)
        system = SharedSystemClient._identifier_to_system.pop(path, None)
        if system is not None and stop:
            system.stop()
    except Exception:  # best effort: private API that a Chroma upgrade may move
        pass


def remove_local_store(data_dir: Path) -> None:
    """Delete the embedded store's files: the way back from a corrupt index (`ingest --rebuild`)."""
    import shutil

    path = str(data_dir / "chroma")
    forget_local_system(path, stop=True)
    shutil.rmtree(path, ignore_errors=True)


def server_url(chroma_url: str) -> str:
    """'chroma-host:8000' -> 'http://chroma-host:8000': urlparse would take the host for a scheme."""
    return f"http://{chroma_url}" if chroma_url and "://" not in chroma_url else chroma_url


def _set_http_timeout(client: Any, seconds: float) -> None:
    """Chroma's HTTP client waits forever; a hung server would hang every question. The session is private
    API, so this is best effort (a Chroma upgrade that moves it only loses the timeout)."""
    import httpx

    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = httpx.Timeout(seconds)


TOKEN_PROVIDER = "chromadb.auth.token_authn.TokenAuthClientProvider"


def make_client(data_dir: Path, chroma_url: str, timeout: float = 30.0, token: str = "") -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(
        anonymized_telemetry=False,
        allow_reset=True,
        chroma_client_auth_provider=TOKEN_PROVIDER if token else None,
        chroma_client_auth_credentials=token or None,
    )
    url = urlparse(chroma_url)
    if chroma_url and (url.scheme not in ("http", "https") or not url.hostname):
        raise ConfigError("chroma_url", f"{chroma_url!r} is not an http(s) URL such as http://127.0.0.1:8000")
    try:
        if chroma_url:
            port = url.port or (443 if url.scheme == "https" else 8000)
            client = chromadb.HttpClient(
                host=url.hostname or "127.0.0.1",
                port=port,
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            _set_http_timeout(client, timeout)
            return client
        data_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(data_dir / "chroma"), settings=chroma_settings)
    except Exception as exc:  # chromadb raises ValueError, ConnectionError, sqlite errors, Rust panics
        if is_auth_error(exc):
            raise StoreAuthError(chroma_url, given=bool(token)) from exc
        raise StoreUnavailableError(
            chroma_url or str(data_dir / "chroma"), f"{type(exc).__name__}: {exc}"
        ) from exc


def is_auth_error(error: BaseException) -> bool:
    """The server refused the request for its credentials (a missing or wrong WIBB_CHROMA_TOKEN)."""
    from chromadb.errors import ChromaAuthError

    return isinstance(error, ChromaAuthError) or "Forbidden" in str(error) or "Unauthorized" in str(error)
