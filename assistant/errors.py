"""Exception taxonomy.

Library code raises these with English developer messages and structured fields; the edges
(CLI, web) turn them into Dutch messages through `assistant.texts.describe_error`.
"""

from __future__ import annotations


class WibbError(Exception):
    """Base class for every error the assistant raises on purpose."""


class ConfigError(WibbError):
    """A setting has an impossible value or a backend cannot be built from it."""

    def __init__(self, setting: str, reason: str) -> None:
        super().__init__(f"setting {setting}: {reason}")
        self.setting = setting
        self.reason = reason


class IndexMissingError(WibbError):
    """No index has been built yet in the data folder (or on the Chroma server)."""


class IndexMismatchError(WibbError):
    """The index was built with another embedding model than the one configured now."""

    def __init__(self, stored: str, configured: str) -> None:
        super().__init__(f"index built with {stored}, configured {configured}")
        self.stored = stored
        self.configured = configured


class IndexOutdatedError(WibbError):
    """The index was built by an older version with another storage schema: the next ingest rebuilds it."""

    def __init__(self, location: str, stored: int, current: int) -> None:
        super().__init__(f"index at {location} has schema {stored}, this version needs {current}")
        self.location = location
        self.stored = stored
        self.current = current


class StoreUnavailableError(WibbError):
    """The vector store cannot be opened or reached (corrupt files, server down)."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"store at {location} unavailable: {reason}")
        self.location = location
        self.reason = reason


class DatabaseUnavailableError(WibbError):
    """The database for feedback and test runs cannot be reached or written (server down, file locked)."""

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(f"database at {location} unavailable: {reason}")
        self.location = location
        self.reason = reason


class StoreAuthError(WibbError):
    """The Chroma server refused the token (WIBB_CHROMA_TOKEN missing or wrong)."""

    def __init__(self, location: str, given: bool) -> None:
        super().__init__(f"chroma server at {location} refused the {'given' if given else 'missing'} token")
        self.location = location
        self.given = given


class EmbeddingModelError(WibbError):
    """The configured embedding model cannot be loaded (e.g. not available offline)."""

    def __init__(self, model: str, reason: str) -> None:
        super().__init__(f"embedding model {model!r} cannot be loaded: {reason}")
        self.model = model
        self.reason = reason


class InvalidQuestionError(WibbError):
    """The question cannot be answered as given (empty, too long, no text)."""

    def __init__(self, code: str, limit: int = 0, length: int = 0) -> None:
        super().__init__(f"invalid question: {code}")
        self.code = code
        self.limit = limit
        self.length = length


class LanguageModelError(WibbError):
    """The configured language model failed: unreachable, timed out or produced garbage."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"language model {code}: {detail}")
        self.code = code
        self.detail = detail


class QuestionSetError(WibbError):
    """A question-set file cannot be read or has an invalid entry."""

    def __init__(
        self, source: str, reason: str, case: str | None = None, problems: tuple[QuestionSetError, ...] = ()
    ) -> None:
        where = f"{source} ({case})" if case else source
        super().__init__(f"question set {where}: {reason}")
        self.source = source
        self.reason = reason
        self.case = case
        self.problems = problems  # every invalid entry, when there is more than one


class ExportTargetError(WibbError):
    """The export folder exists and holds something other than an earlier export."""

    def __init__(self, folder: str) -> None:
        super().__init__(f"{folder} exists and is not an earlier export")
        self.folder = folder


class TrainingDataError(WibbError):
    """The reader's training data cannot be used: a file and what is wrong (`wibb train --check`: all)."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")
        self.where = where
        self.detail = detail
