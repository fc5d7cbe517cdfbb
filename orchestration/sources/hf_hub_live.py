"""Live Hugging Face Hub model cards (opt-in; needs network): incremental reads of changed models.

A run lists models newest ``lastModified`` first (``HfApi.list_models(sort="last_modified")``, which is always
descending) and stops at the cursor kept in a JSON state file, so a nightly run reads only what changed. For a
listed model whose ``model-index`` is non-empty, its README.md at the listed commit is downloaded
(``hf_hub_download``) and parsed by ``hf_model_cards.parse_card``; its ``snapshot_date`` is the model's
last-modified day, so newer cards win over the dated snapshots in dedup.

State: ``{"cursor": ISO time, "covered": [[lo, hi], ...]}``. ``limit`` bounds the models examined per run; a
run cut short by it (never inside a group of equal times) leaves the cursor where it was and records the time
span it has read, ``[lo, hi]``, so the next run skips that span and goes on below it (a backlog shrinks over
successive runs). The state is written only after a successful run; any error leaves it untouched and the next
run reads the same changes again.

HTTP: huggingface_hub's own back-off retries 429/5xx (honouring ``Retry-After`` and RateLimit headers) and
network errors. Its shared httpx2 client is installed for the run through ``set_client_factory`` with a
connect/read timeout filled in where a call sets none (the default client has none). ``HF_HUB_OFFLINE=1``
fails at once with :class:`HubOfflineError`. The token (``HF_TOKEN``) goes to ``HfApi`` only; it is masked in
log records and error messages raised during a run.
"""

from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

import httpx2
from huggingface_hub import HfApi, constants, hf_hub_url
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import _http as hf_http

from orchestration.sources.hf_model_cards import parse_card
from orchestration.sources.landing import atomic_write
from orchestration.sources.model_index import dataset_rows
from orchestration.sources.records import SourceBatch
from orchestration.sources.tables import Collector

SOURCE = "hf_hub_live"
TIMEOUT = httpx2.Timeout(30.0, connect=10.0)
_EXPAND = ["lastModified", "sha", "model-index"]
_TRANSIENT = {408, 429, 500, 502, 503, 504}
_LOGGERS = {"huggingface_hub", "httpx2", "httpcore2"}
OFFLINE_MESSAGE = ("Hugging Face Hub is offline (HF_HUB_OFFLINE=1): the live source cannot run; "
                   "disable it or unset HF_HUB_OFFLINE")

log = logging.getLogger(__name__)


class HubOfflineError(RuntimeError):
    """The live source was asked to run while huggingface_hub is in offline mode."""


class HubReadError(RuntimeError):
    """A Hub call failed; the message has the token masked."""


def is_offline() -> bool:
    """Offline per huggingface_hub (read at its import) or per the environment now."""
    env = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return constants.is_offline_mode() or env.strip().upper() in {"1", "ON", "YES", "TRUE"}


def _fill_timeouts(timeout: httpx2.Timeout):
    """Request hook: give every request ``timeout`` wherever the call left a phase unbounded (None)."""
    defaults = timeout.as_dict()

    def hook(request: httpx2.Request) -> None:
        current = request.extensions.get("timeout") or {}
        merged = {k: v if current.get(k) is None else current[k] for k, v in defaults.items()}
        request.extensions = {**request.extensions, "timeout": merged}

    return hook


class _Mask(logging.Filter):
    """Masks a secret in log records (huggingface_hub logs the text of the errors it retries)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg, record.args = message.replace(self.secret, "***"), ()
        return True


@contextmanager
def _masked(secret: str | None) -> Iterator[None]:
    """Within the block, mask ``secret`` in the records of every huggingface_hub / httpx2 logger and this one."""
    if not secret:
        yield
        return
    names = [n for n in logging.Logger.manager.loggerDict if n.split(".")[0] in _LOGGERS] + [__name__]
    mask = _Mask(secret)
    for name in names:
        logging.getLogger(name).addFilter(mask)
    try:
        yield
    except Exception as err:
        if secret in str(err):
            raise HubReadError(str(err).replace(secret, "***")) from None
        raise
    finally:
        for name in names:
            logging.getLogger(name).removeFilter(mask)


@contextmanager
def hub_session(transport: httpx2.BaseTransport | None = None, timeout: httpx2.Timeout = TIMEOUT) -> Iterator[None]:
    """Route huggingface_hub's shared client through ``transport`` (default: the network) within the block."""
    previous = getattr(hf_http, "_GLOBAL_CLIENT_FACTORY", hf_http.default_client_factory)

    def factory() -> httpx2.Client:
        hooks = [hf_http.hf_request_event_hook, _fill_timeouts(timeout)]
        return httpx2.Client(transport=transport, event_hooks={"request": hooks}, follow_redirects=True,
                             timeout=timeout)

    hf_http.set_client_factory(factory)
    try:
        yield
    finally:
        hf_http.set_client_factory(previous)


def _ts(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def load_state(state_path: Path) -> dict:
    return json.loads(state_path.read_text()) if state_path.exists() else {"cursor": None, "covered": []}


def _save_state(state_path: Path, state: dict) -> None:
    state_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(state_path, lambda tmp: tmp.write_text(json.dumps(state, indent=2)))


def _next_state(state: dict, top: datetime | None, low: datetime | None, complete: bool) -> dict:
    """Complete run: the cursor moves to the newest time seen. Cut short: ``[low, top]`` joins the covered spans."""
    if top is None:
        return state
    cursor = _ts(state.get("cursor"))
    if complete:
        return {"cursor": max(t for t in (top, cursor) if t).isoformat(), "covered": []}
    spans = [(_ts(lo), _ts(hi)) for lo, hi in state.get("covered", [])]
    joined = [s for s in spans if s[1] >= low]
    lo, hi = min([low, *(s[0] for s in joined)]), max([top, *(s[1] for s in joined)])
    rest = [s for s in spans if s[1] < low]
    return {"cursor": state.get("cursor"),
            "covered": [[a.isoformat(), b.isoformat()] for a, b in sorted([*rest, (lo, hi)])]}


def _card(api: HfApi, info, out: Collector) -> list[dict]:
    """Download and parse one model's README.md at the listed commit into ``out``; returns its model rows. A card
    the Hub refuses is quarantined."""
    revision = info.sha or "main"
    url = hf_hub_url(info.id, "README.md", revision=revision)
    try:
        path = api.hf_hub_download(info.id, "README.md", revision=revision)
    except HfHubHTTPError as err:
        status = err.response.status_code if err.response is not None else None
        if status is None or status in _TRANSIENT:
            raise
        out.reject(url, info.id, f"model card unavailable: HTTP {status}", info.model_index)
        return []
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    day = info.last_modified.date().isoformat() if info.last_modified else None
    return parse_card(text, info.id, url, revision, snapshot_date=day, out=out)[1]


def _read(api: HfApi, state: dict, limit: int) -> tuple[SourceBatch, dict]:
    cursor = _ts(state.get("cursor"))
    covered = [(_ts(lo), _ts(hi)) for lo, hi in state.get("covered", [])]
    out, models = Collector(SOURCE), {}
    top = low = None
    examined = cards = 0
    complete = True
    for info in api.list_models(sort="last_modified", expand=_EXPAND):
        ts = info.last_modified
        top = top or ts
        if cursor and ts and ts <= cursor:
            break
        if ts and any(lo <= ts <= hi for lo, hi in covered):
            continue
        if examined >= limit and ts != low:
            complete = False
            break
        examined, low = examined + 1, ts or low
        if info.model_index:
            cards += 1
            models.update((row["model_raw"], row) for row in _card(api, info, out))
    log.info("%s: %d models examined, %d cards read, %d records, %d quarantined (%s)", SOURCE, examined, cards,
             len(out.records), len(out.quarantine), "caught up" if complete else f"limit {limit} reached")
    return out.batch(list(models.values()), dataset_rows(out.records)), _next_state(state, top, low, complete)


def read_live(state_path: Path, *, limit: int, token: str | None = None, api: HfApi | None = None,
              transport: httpx2.BaseTransport | None = None) -> SourceBatch:
    """Read the models changed since the cursor in ``state_path`` (at most ``limit`` per run); then save it.

    ``token`` defaults to ``$HF_TOKEN``; ``transport`` replaces the network (tests serve recorded responses).
    """
    if is_offline():
        raise HubOfflineError(OFFLINE_MESSAGE)
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    token = token or os.environ.get("HF_TOKEN") or None
    api = api or HfApi(token=token)
    state = load_state(state_path)
    with _masked(token or (api.token if isinstance(api.token, str) else None)), hub_session(transport):
        batch, new_state = _read(api, state, limit)
    _save_state(state_path, new_state)
    return batch
