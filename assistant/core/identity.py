"""What an index remembers about the embedding model that built it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmbedderIdentity:
    backend: str
    model: str
    dimension: int

    def label(self) -> str:
        return f"{self.backend}:{self.model} ({self.dimension}d)"
