"""Helpers every connector shares: quarantine rows, tolerant JSON / YAML / CSV / markdown readers, vectorised
value parsing, batch-unique record ids and the one record builder, ``Collector``.

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
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import yaml

from orchestration.sources.records import SourceBatch, excerpt, now_iso, record_id, record_ids
from orchestration.sources.values import parse_value


def bad_row(source_file: str, locator: str, reason: str, obj: object = "") -> dict:
    """One quarantine row (``obj`` is the offending input; at most 300 characters of it are kept)."""
    return {"source_file": source_file, "locator": locator, "reason": reason, "excerpt": excerpt(obj)}


def number(raw: object) -> float | None:
    """``parse_value`` without the reason: for side information, where a bad value is simply absent."""
    return parse_value(raw)[0]


def as_list(value: object) -> list:
    """A list as is, a missing value as [], anything else as a one-item list (a document's odd shapes)."""
    return value if isinstance(value, list) else ([] if value is None else [value])


# ---- readers ---------------------------------------------------------------------------------------------------


def file_error(source_file: str, exc: OSError) -> dict:
    """The quarantine row of a file that cannot be opened."""
    reason = "file not found" if isinstance(exc, FileNotFoundError) else "unreadable file"
    return bad_row(source_file, "file", f"{reason}: {exc}")


def _repeated_names(source_file: str, header: list[str], raw: str) -> list[dict]:
    """[quarantine row] for a CSV header that names a column twice (which of the two is meant?), else []."""
    repeated = sorted({name for name in header if header.count(name) > 1})
    if not repeated:
        return []
    return [bad_row(source_file, "line 1", f"malformed CSV header: repeated column names {repeated}", raw)]


def read_bytes(path: Path, source_file: str) -> tuple[bytes | None, list[dict]]:
    """(the file's bytes, gunzipped when they start with the gzip magic, []) or (None, [quarantine row]) for a
    missing, unreadable, truncated or corrupt file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return None, [file_error(source_file, exc)]
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
            if repeated := _repeated_names(source_file, header, ",".join(header)):
                return [], [], repeated
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
    if repeated := _repeated_names(source_file, header, first):
        return pd.DataFrame(columns=["line"]), repeated
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
        self._ids: set[str] = set()
        self._later: list = []  # id arrays from ``many``, added to ``_ids`` only when next needed
        self._repeats: dict[str, int] = {}

    def _known(self) -> set[str]:
        """Every id minted so far."""
        while self._later:
            self._ids.update(self._later.pop())
        return self._ids

    def __call__(self, *parts: object) -> str:
        rid, known = record_id(*parts), self._known()
        if rid not in known:
            known.add(rid)
            return rid
        self._repeats[rid] = self._repeats.get(rid, 1) + 1
        return record_id(*parts, self._repeats[rid])

    def many(self, *columns, distinct: bool = False):
        """A list-like of ``self(*row)`` for each row of equal-length columns, vectorised (``record_ids``) unless an
        id repeats; ``distinct``: the rows are known to differ from each other, so only earlier ids are looked for."""
        rids, known = record_ids(*columns), self._known()
        if (distinct or len(set(rids)) == len(rids)) and (not known or known.isdisjoint(rids)):
            self._later.append(pd.array(rids, dtype="str"))  # compact: it becomes the frame's id column as is
            return self._later[-1]
        lists = [c.tolist() if isinstance(c, pd.Series) else c for c in columns]
        return [self(*row) for row in zip(*lists)]


class Collector:
    """The one record builder: accumulates a connector's records and quarantine rows, every record with a
    batch-unique stable id, row by row (``add``), per model-index entry (``add_entries``) or per frame
    (``add_frame``).

    ``ids`` shares id uniqueness with other collectors of the same batch; ``source_version`` is the default
    (a record's fields may override it, e.g. a model revision). ``records`` holds the row-wise records,
    ``frames`` the vectorised ones.
    """

    def __init__(self, source: str, source_version: str | None = None, *, ids: IdMinter | None = None,
                 retrieved_at: str | None = None):
        self.source, self.source_version = source, source_version
        self.ids = ids or IdMinter()
        self.retrieved_at = retrieved_at or now_iso()
        self.records: list[dict] = []
        self.frames: list[pd.DataFrame] = []
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

    def add_entries(self, entries, source_file: str, *, scope: str = "", **fields) -> None:
        """``add`` each model-index ``Entry`` (``model_index``); a problem entry, or one without a model, dataset or
        metric name, is quarantined. ``scope`` names the unit inside ``source_file`` (the card in a jsonl): it
        prefixes locators and is part of the ids. ``fields`` and each entry's ``extra`` are record columns."""
        where = f"{scope}: " if scope else ""
        for e in entries:
            parsed = (None, e.problem) if e.problem else parse_value(e.value)
            if parsed[1] is None and not (e.model and e.dataset and e.metric):
                missing = [n for n, v in (("model", e.model), ("dataset", e.dataset), ("metric", e.metric)) if not v]
                parsed = (None, f"missing {' and '.join(missing)}")
            self.add(
                source_file, where + e.locator, e.value,
                (scope, e.model, e.task, e.dataset, e.dataset_config, e.dataset_split, e.metric, *e.key),
                parsed=parsed, context=e.raw if e.raw is not None else e.value, **{
                    **fields, **e.extra, "model_raw": e.model, "dataset_raw": e.dataset, "task_raw": e.task,
                    "dataset_config": e.dataset_config, "dataset_split": e.dataset_split, "metric_raw": e.metric,
                    "value_raw": e.value if isinstance(e.value, str) else json.dumps(e.value, default=str)},
            )  # fmt: skip

    def add_frame(self, frame: pd.DataFrame, source_file: str, key: list[str], *, locator: str, context: str,
                  number_repeats: bool = False) -> pd.DataFrame:
        """Vectorised ``add``: a record per row of ``frame`` whose ``value_raw`` parses (``parse_values``), a
        quarantine row for the rest; returns the records added.

        ``frame`` holds record columns (``source_version`` defaults to the collector's; columns that are not
        record columns are dropped by ``batch``). The id hashes ``source_file`` and the ``key`` columns, plus, with
        ``number_repeats``, the 0-based occurrence of the key among the loaded rows. ``locator`` and ``context``
        are ``str.format`` templates over a row's columns, filled for quarantined rows only.
        """
        values, reasons = parse_values(frame["value_raw"])
        ok = reasons.isna().to_numpy()
        self.quarantine += [bad_row(source_file, locator.format(**row), reason, context.format(**row))
                            for row, reason in zip(frame[~ok].to_dict("records"), reasons[~ok].tolist())]
        good = frame[ok]
        parts = [good[c] for c in key]
        if number_repeats:
            dup = good.duplicated(key, keep=False).to_numpy()
            occurrence = np.zeros(len(good), dtype=int)
            occurrence[dup] = good[dup].groupby(key).cumcount().to_numpy()
            parts.append(occurrence.tolist())
        ids = self.ids.many([source_file] * len(good), *parts, distinct=number_repeats)
        good = good.assign(source_record_id=ids, value=values.to_numpy()[ok], source_file=source_file,
                           retrieved_at=self.retrieved_at)
        if "source_version" not in good:
            good["source_version"] = self.source_version
        self.frames.append(good)
        return good

    def batch(self, models=(), datasets=()) -> SourceBatch:
        frames = ([pd.DataFrame.from_records(self.records)] if self.records else []) + self.frames
        if len(frames) > 1:
            frames = [pd.concat(frames, ignore_index=True)]
        return SourceBatch.build(self.source, frames[0] if frames else [], models, datasets, self.quarantine)
