"""One engine per database URL, brought to the latest schema revision before it is used.

SQLite gets WAL and a busy timeout (concurrent sessions write at once); any other database gets a
connection pool that checks a connection before handing it out (a restarted server is noticed). A database
that cannot be reached raises `DatabaseUnavailableError`, whose message names WIBB_DATABASE_URL without
its password; nothing that was stored before is touched.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assistant.errors import DatabaseUnavailableError

_ENGINES: dict[str, Any] = {}
_LOCK = threading.Lock()
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x57494242  # "WIBB": the advisory lock every instance takes while it migrates


def now() -> str:
    """The time a row is written, in UTC, as ISO text (the same in every database)."""
    from datetime import UTC, datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "?"


def engine_for(url: str) -> Any:
    """The (migrated) engine of this URL, created once per process."""
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _create(url)
            try:
                upgrade(engine)
            except DatabaseUnavailableError:
                engine.dispose()
                raise
            _ENGINES[url] = engine
        return engine


def forget(url: str) -> None:
    """Drop the cached engine (tests; a database that was reset)."""
    with _LOCK:
        engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _create(url: str) -> Any:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA busy_timeout = 30000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10,
                         connect_args={"connect_timeout": 10})  # fmt: skip


def upgrade(engine: Any) -> None:
    """Alembic to the latest revision (a store from before Alembic is adopted, not recreated)."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for attempt in range(3):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":  # instances starting together migrate one at a time
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            return
        except DBAPIError as error:
            failed = unavailable(engine, error)
            if isinstance(failed, DatabaseUnavailableError) and "locked" not in failed.reason.lower():
                raise failed from error
            if attempt == 2:  # another instance kept migrating (SQLite has no advisory lock): give up
                raise failed from error
            time.sleep(0.5 * (attempt + 1))


def unavailable(engine: Any, error: BaseException) -> BaseException:
    """A failure to reach or use the database (server gone, file locked or unwritable) as the error with a
    Dutch message; any other error as it was."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    if isinstance(error, OperationalError | InterfaceError):
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        return DatabaseUnavailableError(safe_url(str(engine.url)), detail[0][:200] if detail else "")
    return error


@contextmanager
def transaction(url: str) -> Iterator[Any]:
    """One transaction on the database of this URL: committed on success, rolled back on error."""
    from sqlalchemy.exc import OperationalError

    engine = engine_for(url)
    try:
        with engine.begin() as connection:
            yield connection
    except OperationalError as error:
        raise unavailable(engine, error) from error
