"""Benchmarks print tables (``make bench``); they assert correctness, never timings."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest


class Table:
    def __init__(self, title: str, columns: list[str]) -> None:
        self.title = title
        self.columns = columns
        self.rows: list[list[str]] = []

    def add(self, *values: Any) -> None:
        self.rows.append([_fmt(v) for v in values])

    def render(self) -> str:
        widths = [max(len(c), *(len(r[i]) for r in self.rows)) for i, c in enumerate(self.columns)]
        line = "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))
        out = [f"\n## {self.title}", line, "  ".join("-" * w for w in widths)]
        out += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in self.rows]
        return "\n".join(out)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@pytest.fixture
def table(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[str, list[str]], Table]]:
    tables: list[Table] = []

    def make(title: str, columns: list[str]) -> Table:
        tables.append(Table(title, columns))
        return tables[-1]

    yield make
    with capsys.disabled():
        for t in tables:
            print(t.render(), flush=True)  # noqa: T201


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    box: list[float] = []
    started = time.perf_counter()
    yield box
    box.append(time.perf_counter() - started)


def summary(samples: list[float]) -> tuple[float, float, float]:
    return min(samples), statistics.median(samples), max(samples)
