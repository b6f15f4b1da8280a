"""What every command needs: settings from the environment and --data-dir, filters from the options."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from assistant import texts

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.core.filters import Filters


def load_settings(args: argparse.Namespace, **overrides: object) -> Settings:
    from assistant.config import make_settings

    if getattr(args, "data_dir", None):
        overrides["data_dir"] = args.data_dir
    return make_settings(**{k: v for k, v in overrides.items() if v is not None})


def notice(message: str) -> None:
    """A message beside the output (the lexical index being rebuilt): on stderr, so `--json` stays JSON."""
    print(message, file=sys.stderr, flush=True)


def filters_from(args: argparse.Namespace) -> Filters:
    from assistant.core.filters import Filters

    return Filters(
        sector=tuple(args.sector or ()), soort=tuple(args.soort or ()), doelgroep=tuple(args.doelgroep or ())
    )


def progress_bar(total: int, label: str) -> Callable[[int], None]:
    from tqdm import tqdm

    bar = tqdm(
        total=total, desc=texts.PROGRESS_LABELS.get(label, label), unit="tekst", file=sys.stderr, leave=False
    )

    def step(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return step
