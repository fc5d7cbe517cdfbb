"""Helpers every connector shares: quarantine rows, tolerant JSON / CSV readers, batch-unique record ids, the
record collector, and vectorised value parsing.

Readers never raise on bad input: they return what they could read plus quarantine rows for the rest.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

from orchestration.sources.records import SourceBatch, excerpt, now_iso, record_id
from orchestration.sources.values import parse_value


def bad_row(source_file: str, locator: str, reason: str, obj: object = "") -> dict:
    """One quarantine row (``obj`` is the offending input; at most 300 characters of it are kept)."""
    return {"source_file": source_file, "locator": locator, "reason": reason, "excerpt": excerpt(obj)}


def number(raw: object) -> float | None:
    """``parse_value`` without the reason: for side information, where a bad value is simply absent."""
    return parse_value(raw)[0]


# ---- readers ---------------------------------------------------------------------------------------------------


def read_bytes(path: Path, source_file: str) -> tuple[bytes | None, list[dict]]:
    """(the file's bytes, gunzipped when they start with the gzip magic, []) or (None, [quarantine row]) for a
    missing, unreadable, truncated or corrupt file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        reason = "file not found" if isinstance(exc, FileNotFoundError) else "unreadable file"
        return None, [bad_row(source_file, "file", f"{reason}: {exc}")]
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            return None, [bad_row(source_file, "file", f"truncated or corrupt gzip: {exc}")]
    if not data.strip():
        return None, [bad_row(source_file, "file", "empty file")]
    return data, []


def read_text(path: Path, source_file: str) -> tuple[str | None, list[dict]]:
    """``read_bytes`` decoded as UTF-8 (a BOM dropped); undecodable bytes make the file a quarantine row."""
    data, bad = read_bytes(path, source_file)
    if data is None:
        return None, bad
    try:
        return data.decode("utf-8").removeprefix("\ufeff"), []
    except UnicodeDecodeError as exc:
        return None, [bad_row(source_file, "file", f"unreadable file: not UTF-8 ({exc})", data[:300].decode("latin-1"))]


def read_json(path: Path, source_file: str, loads=json.loads) -> tuple[object, list[dict]]:
    """(parsed document, []) or (None, [quarantine row]) for a file that cannot be read or is not JSON (a gzipped
    file is read through ``read_bytes``)."""
    data, bad = read_bytes(path, source_file)
    if data is None:
        return None, bad
    try:
        return loads(data), []
    except ValueError as exc:  # json.JSONDecodeError, orjson.JSONDecodeError and UnicodeDecodeError
        return None, [bad_row(source_file, "file", f"not valid JSON: {exc}", data[:300].decode("utf-8", "replace"))]


def read_yaml(path: Path, source_file: str) -> tuple[object, list[dict]]:
    """(parsed document via ``yaml.safe_load``, []) or (None, [quarantine row]) for an unreadable or malformed
    file."""
    text, bad = read_text(path, source_file)
    if text is None:
        return None, bad
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        return None, [bad_row(source_file, "file", f"malformed YAML: {exc}", text[:300])]


_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def markdown_tables(text: str, source_file: str) -> tuple[list[tuple[int, list[str], list[tuple[int, dict]]]],
                                                            list[dict]]:
    """Every pipe table in a markdown text: ``[(header line, header, [(line, row dict), ...]), ...]`` plus
    quarantine rows for table rows with the wrong number of cells. Cells are stripped of blanks and tabs."""
    lines = text.splitlines()
    tables, bad = [], []
    i = 0
    while i + 1 < len(lines):
        if "|" in lines[i] and _RULE.match(lines[i + 1]):
            header, start, rows = _cells(lines[i]), i + 1, []
            i += 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                cells = _cells(lines[i])
                if len(cells) != len(header):
                    bad.append(bad_row(source_file, f"line {i + 1}", f"table row has {len(cells)} cells, header has "
                                       f"{len(header)} (malformed row)", lines[i]))
                else:
                    rows.append((i + 1, dict(zip(header, cells))))
                i += 1
            tables.append((start, header, rows))
        else:
            i += 1
    return tables, bad


def read_csv_rows(path: Path, source_file: str) -> tuple[list[str], list[tuple[int, dict]], list[dict]]:
    """(header, ``(line, row dict)`` pairs, quarantine rows) of a small CSV, read with the csv module.

    Blank lines are skipped; rows with the wrong number of fields (a truncated last line ...) and unreadable or
    empty files become quarantine rows.
    """
    rows, bad = [], []
    try:
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            reader = csv.reader(handle)
            header = [h.strip().lstrip("\ufeff") for h in next(reader, [])]
            if not any(header):
                return [], [], [bad_row(source_file, "file", "empty file")]
            for line in reader:
                if not any(cell.strip() for cell in line):
                    continue
                if len(line) != len(header):
                    reason = f"row has {len(line)} fields, header has {len(header)} (truncated or malformed line)"
                    bad.append(bad_row(source_file, f"line {reader.line_num}", reason, ",".join(line)))
                    continue
                rows.append((reader.line_num, dict(zip(header, line))))
    except (OSError, csv.Error) as err:
        return [], [], [bad_row(source_file, "file", f"unreadable CSV: {err}")]
    return header, rows, bad


def read_csv_bytes(data: bytes, source_file: str) -> tuple[pd.DataFrame, list[dict]]:
    """Parse a large CSV's bytes (pyarrow): every column a string as found, plus a 1-based file ``line`` column.

    Rows with the wrong number of fields, or an unparseable file, become quarantine rows.
    """
    quarantine: list[dict] = []
    data = data.removeprefix(codecs.BOM_UTF8)
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
    header = next(csv.reader([first]), []) if first else []
    if not any(header):
        return pd.DataFrame(columns=["line"]), [bad_row(source_file, "line 1", "no CSV header", first)]
    bad_lines: list[int] = []

    def on_bad(row) -> str:
        bad_lines.append(row.number)
        quarantine.append(bad_row(source_file, f"line {row.number}", "malformed CSV row: expected "
                                  f"{row.expected_columns} fields, got {row.actual_columns}", row.text or ""))
        return "skip"

    try:
        df = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(use_threads=False),  # serial parsing reports bad rows' line numbers
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_bad),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()),
                                                 strings_can_be_null=False),
        ).to_pandas()
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        return pd.DataFrame(columns=["line"]), [bad_row(source_file, "file", f"unreadable CSV: {exc}", first)]
    line = np.arange(len(df)) + 2
    for bad in sorted(bad_lines):
        line[line >= bad] += 1
    df["line"] = line
    return df, quarantine


def parse_values(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Vectorised ``parse_value``: (values, reasons); only the non-numeric leftovers go through parse_value."""
    values = pd.to_numeric(raw, errors="coerce").astype("float64")
    reasons = pd.Series(None, index=raw.index, dtype="string")
    bad = ~np.isfinite(values.to_numpy())
    parsed = [parse_value(text) for text in raw[bad].tolist()]
    values[bad] = [v if v is not None else np.nan for v, _ in parsed]
    reasons[bad] = [r for _, r in parsed]
    return values, reasons


# ---- records ---------------------------------------------------------------------------------------------------


class IdMinter:
    """Stable record ids, unique within a batch: a repeated identity gets its occurrence number appended."""

    def __init__(self) -> None:
        self._seen: Counter = Counter()

    def __call__(self, *parts: object) -> str:
        rid = record_id(*parts)
        self._seen[rid] += 1
        return rid if self._seen[rid] == 1 else record_id(*parts, self._seen[rid])


class Collector:
    """Accumulates a connector's records and quarantine rows; every record gets a batch-unique stable id.

    ``ids`` shares id uniqueness with other collectors of the same batch; ``source_version`` is the default
    (a record's fields may override it, e.g. a model revision).
    """

    def __init__(self, source: str, source_version: str | None = None, *, ids: IdMinter | None = None,
                 retrieved_at: str | None = None):
        self.source, self.source_version = source, source_version
        self.ids = ids or IdMinter()
        self.retrieved_at = retrieved_at or now_iso()
        self.records: list[dict] = []
        self.quarantine: list[dict] = []

    def reject(self, source_file: str, locator: str, reason: str, raw: object = "") -> None:
        self.quarantine.append(bad_row(source_file, locator, reason, raw))

    def add(self, source_file: str, locator: str, raw: object, key: tuple, *, parsed=None, context=None,
            **fields) -> bool:
        """Parse ``raw`` (or take ``parsed``, a ``parse_value`` result); add a record or quarantine it.

        The id hashes ``source_file`` and ``key``; ``context`` (default ``raw``) is the quarantine excerpt;
        ``fields`` are the record's columns (``value_raw`` defaults to ``str(raw)``). Returns True if loaded.
        """
        value, reason = parsed or parse_value(raw)
        if reason:
            self.reject(source_file, locator, reason, raw if context is None else context)
            return False
        self.records.append({
            "value_raw": str(raw), "source_version": self.source_version, "retrieved_at": self.retrieved_at,
            **fields, "source_record_id": self.ids(source_file, *key), "value": value, "source_file": source_file,
        })
        return True

    def batch(self, models=(), datasets=()) -> SourceBatch:
        return SourceBatch.build(self.source, self.records, models, datasets, self.quarantine)
