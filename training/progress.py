"""Progress bars for long work (embedding, training epochs, pools, ingestion): on a terminal only, so logs, CI
and the Dagster UI's captured output stay quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], desc: str, total: int | None = None, unit: str = "it") -> Iterator[T]:
    """``items`` with a bar on stderr when stderr is a terminal; the items alone otherwise."""
    return iter(tqdm(items, desc=desc, total=total, unit=unit, file=sys.stderr, leave=False, mininterval=1.0,
                     disable=not sys.stderr.isatty()))
