"""Live Papers-with-Code ``evaluation-tables.json(.gz)`` archive (opt-in; needs network).

Downloads the archive with a conditional GET (``If-None-Match`` / ``If-Modified-Since`` from the last download);
on ``304 Not Modified`` the batch parsed last time is returned from ``cache_dir`` without re-parsing. The cache
is keyed by URL and by the code of this module and of ``pwc.py``, so a parser change forces a fresh download.
429/5xx and network errors are retried with exponential back-off, honouring ``Retry-After``. The body is
gunzipped when it starts with the gzip magic bytes (whatever the URL or headers say) and parsed by
``pwc.parse_evaluation_tables``; an unreadable archive becomes one quarantine row.

``source_version`` is the archive's sha256 prefix; ``snapshot_date`` its ``Last-Modified`` day (else today).
Papers with Code stopped publishing in 2025: point the URL at a mirror of the archive.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import httpx2
import pandas as pd

from orchestration.sources import pwc
from orchestration.sources.landing import TABLES, atomic_write
from orchestration.sources.records import SourceBatch, now_iso
from orchestration.sources.tables import Collector

SOURCE = "pwc_live"
DEFAULT_URL = "https://production-media.paperswithcode.com/about/evaluation-tables.json.gz"
TIMEOUT = httpx2.Timeout(120.0, connect=10.0)
RETRY_STATUS = {408, 429, 500, 502, 503, 504}
MAX_DELAY = 60.0

log = logging.getLogger(__name__)


def _code_version() -> str:
    """Hash of the parser's and this module's code: a cached batch from other code is not reused."""
    return hashlib.sha256(Path(pwc.__file__).read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]


def _retry_after(response: httpx2.Response) -> float | None:
    """Seconds to wait from ``Retry-After`` (delta-seconds or an HTTP date), if given."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(timezone.utc)).total_seconds())
        except (TypeError, ValueError):
            return None


def fetch(client: httpx2.Client, url: str, headers: dict, *, attempts: int = 5, base_delay: float = 1.0,
          sleep=time.sleep) -> httpx2.Response:
    """GET with exponential back-off on 429/5xx/network errors; the last attempt's response or error is final."""
    for attempt in range(attempts - 1):
        delay = min(MAX_DELAY, base_delay * 2**attempt)
        try:
            response = client.get(url, headers=headers)
        except httpx2.TransportError as err:
            log.warning("%s: %s on %s; retrying in %.1fs", SOURCE, type(err).__name__, url, delay)
        else:
            if response.status_code not in RETRY_STATUS:
                return response
            wait = _retry_after(response)
            delay = min(MAX_DELAY, delay if wait is None else wait)
            log.warning("%s: HTTP %d on %s; retrying in %.1fs", SOURCE, response.status_code, url, delay)
        sleep(delay)
    return client.get(url, headers=headers)


def parse_archive(content: bytes, url: str, snapshot_date: str | None) -> SourceBatch:
    """Parse the downloaded bytes (gzipped or not) into a batch; an unreadable archive is one quarantine row."""
    version, out = "sha256:" + hashlib.sha256(content).hexdigest()[:16], Collector(SOURCE)
    try:
        tasks = json.loads(gzip.decompress(content) if content[:2] == b"\x1f\x8b" else content)
    except (OSError, EOFError, ValueError) as err:  # bad gzip, truncated stream, bad JSON / encoding
        out.reject(url, "", f"unreadable archive: {type(err).__name__}: {err}"[:300],
                   content[:300].decode("utf-8", "replace"))
        return out.batch()
    _, datasets, _ = pwc.parse_evaluation_tables(tasks, url, version, snapshot_date=snapshot_date, out=out)
    return out.batch(pwc.model_rows(out.records), datasets)


def _load_cache(cache_dir: Path, url: str) -> tuple[dict, SourceBatch] | None:
    meta_path = cache_dir / "meta.json"
    if not meta_path.exists():
        return None
    meta = json.loads(meta_path.read_text())
    if meta.get("url") != url or meta.get("code") != _code_version():
        return None
    try:
        frames = {t: pd.read_parquet(cache_dir / f"{t}.parquet") for t in TABLES}
    except (OSError, ValueError):
        return None
    return meta, SourceBatch.build(SOURCE, **frames)


def _save_cache(cache_dir: Path, meta: dict, batch: SourceBatch) -> None:
    """Tables first, meta.json last (atomically): a half-written cache has no meta and is never trusted."""
    (cache_dir / "meta.json").unlink(missing_ok=True)
    for table in TABLES:
        getattr(batch, table).to_parquet(cache_dir / f"{table}.parquet", index=False)
    atomic_write(cache_dir / "meta.json", lambda tmp: tmp.write_text(json.dumps(meta, indent=2)))


def read_live(url: str, cache_dir: Path, *, client: httpx2.Client | None = None, sleep=time.sleep) -> SourceBatch:
    """Download ``url`` unless unchanged since the last run (then return the cached batch), parse, cache."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = _load_cache(cache_dir, url)
    headers = {}
    if cached:
        meta = cached[0]
        headers = {k: v for k, v in (("If-None-Match", meta.get("etag")),
                                     ("If-Modified-Since", meta.get("last_modified"))) if v}
    own = client is None
    client = client or httpx2.Client(timeout=TIMEOUT, follow_redirects=True)
    try:
        response = fetch(client, url, headers, sleep=sleep)
    finally:
        if own:
            client.close()
    if response.status_code == 304 and cached:
        log.info("%s: %s not modified; %d cached records", SOURCE, url, len(cached[1].records))
        return cached[1]
    response.raise_for_status()
    modified = response.headers.get("Last-Modified")
    try:
        day = parsedate_to_datetime(modified).date().isoformat() if modified else None
    except (TypeError, ValueError):
        day = None
    batch = parse_archive(response.content, url, day or now_iso()[:10])
    _save_cache(cache_dir, {"url": url, "code": _code_version(), "etag": response.headers.get("ETag"),
                            "last_modified": modified}, batch)
    log.info("%s: parsed %s: %d records, %d quarantined", SOURCE, url, len(batch.records), len(batch.quarantine))
    return batch
