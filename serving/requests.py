"""Dataset requests: users drop YAML or JSONL files into MODELLENS_HOME/requests (or use `modellens request add`)."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import yaml

from training.queries import Query, QueryError, parse_query


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-") or "request"


def requests_fingerprint(folder: Path) -> str:
    """Changes whenever a request file is added, edited or removed."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def read_requests(folder: Path) -> tuple[list[Query], list[str]]:
    """Every valid request as a ranking query (query_id ``request:<name>``), and an error per bad entry."""
    queries, errors = [], []
    for path in sorted(folder.glob("*")):
        if path.suffix not in {".yaml", ".yml", ".jsonl", ".json"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".jsonl":
                entries = [json.loads(line) for line in text.splitlines() if line.strip()]
            else:
                loaded = yaml.safe_load(text)
                entries = loaded if isinstance(loaded, list) else [loaded]
        except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as err:
            errors.append(f"{path.name}: cannot be parsed ({err.__class__.__name__}: {str(err)[:200]})")
            continue
        for position, entry in enumerate(entries, start=1):
            try:
                if not isinstance(entry, dict):
                    raise QueryError(f"{path.name}#{position}: a request must be a mapping")
                name = entry.get("name") or entry.get("dataset")
                query = parse_query(
                    {**entry, "dataset": name, "query_id": f"request:{name}"}, f"{path.name}#{position}"
                )
                queries.append(query)
            except QueryError as err:
                errors.append(str(err))
    return queries, errors


def add_request(
    folder: Path,
    name: str,
    description: str | None = None,
    task: str | None = None,
    metric: str | None = None,
    modality: str | None = None,
    candidates: list[str] | None = None,
) -> Path:
    """Write one request file; the sensor picks it up on its next tick."""
    entry = {"name": name, "description": description, "task": task, "metric": metric, "modality": modality}
    if candidates:
        entry["candidates"] = candidates
    entry = {k: v for k, v in entry.items() if v is not None}
    parse_query({**entry, "dataset": name, "query_id": name}, where="request")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_slug(name)}.yaml"
    path.write_text(yaml.safe_dump(entry, sort_keys=False))
    return path
