"""The live Hub connector against recorded Hub responses, through the real huggingface_hub client.

``read_live(transport=...)`` mounts an httpx2.MockTransport into huggingface_hub's shared client via its
``set_client_factory`` hook, so listing, pagination (``Link`` header), back-off and ``hf_hub_download`` all run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import traceback
from pathlib import Path

import httpx2
import pytest
from huggingface_hub import constants
from huggingface_hub.utils import _http as hf_http

from orchestration.sources import hf_hub_live
from orchestration.sources.hf_hub_live import HubOfflineError, HubReadError, load_state, read_live

REC = Path(__file__).parent / "recorded" / "hf_hub"
HUB = "https://huggingface.co"
NEXT_PAGE = (f"{HUB}/api/models?sort=lastModified&expand%5B%5D=lastModified&expand%5B%5D=sha"
             "&expand%5B%5D=model-index&cursor=eyJfaWQiOnsiJGd0IjoiNjVmMWEyYjNjNGQ1ZTZmNzA4MTkyYTNjIn19")
TOKEN = "hf_liveTESTtoken0123456789abcdefXYZ"


class RecordedHub:
    """Serves the recorded responses; ``fail`` queues error responses for ``"METHOD /path"`` before the real one."""

    def __init__(self, fail: dict[str, list[httpx2.Response]] | None = None, raise_for=None):
        self.requests: list[httpx2.Request] = []
        self.fail = {k: list(v) for k, v in (fail or {}).items()}
        self.raise_for = raise_for

    def paths(self, method: str | None = None) -> list[str]:
        return [r.url.path for r in self.requests if method in (None, r.method)]

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.raise_for:
            self.raise_for(request)
        queued = self.fail.get(f"{request.method} {request.url.path}")
        if queued:
            return queued.pop(0)
        if request.url.path == "/api/models":
            if "cursor" in request.url.params:
                return httpx2.Response(200, content=(REC / "api_models_page2.json").read_bytes(),
                                       headers={"Content-Type": "application/json"})
            return httpx2.Response(200, content=(REC / "api_models_page1.json").read_bytes(),
                                   headers={"Content-Type": "application/json", "Link": f'<{NEXT_PAGE}>; rel="next"'})
        match = re.fullmatch(r"/(.+)/resolve/([0-9a-f]{40})/README\.md", request.url.path)
        if match and match.group(1) == "gated-org/llm-7b-eval":
            return httpx2.Response(403, content=(REC / "gated_README_403.json").read_bytes(), headers={
                "Content-Type": "application/json", "X-Error-Code": "GatedRepo",
                "X-Error-Message": "Access to model gated-org/llm-7b-eval is restricted."})
        readme = REC / "readme" / f"{match.group(1).replace('/', '__')}.md" if match else None
        if readme is None or not readme.exists():
            return httpx2.Response(404, headers={"X-Error-Code": "RepoNotFound"}, json={"error": "Repository not found"})
        body = readme.read_bytes()
        headers = {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body)),
                   "X-Repo-Commit": match.group(2),
                   "ETag": '"%s"' % hashlib.sha1(b"blob %d\0" % len(body) + body).hexdigest()}
        return httpx2.Response(200, headers=headers, content=b"" if request.method == "HEAD" else body)


@pytest.fixture(autouse=True)
def hf_env(tmp_path, monkeypatch):
    """huggingface_hub in a temp HF_HOME, online, without a token; back-off waits recorded instead of slept."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    for var in ("HF_TOKEN", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    sleeps: list[float] = []
    monkeypatch.setattr(hf_http.time, "sleep", sleeps.append)
    return sleeps


def test_reads_model_index_results_then_a_second_run_reads_nothing_new(tmp_path):
    state, hub = tmp_path / "state" / "hf_hub_cursor.json", RecordedHub()
    factory_before = hf_http._GLOBAL_CLIENT_FACTORY
    batch = read_live(state, limit=100, transport=httpx2.MockTransport(hub))

    recs = batch.records.set_index("metric_raw")
    assert sorted(recs.index) == ["accuracy", "f1", "mean_reward"]
    assert recs.loc["accuracy", "value"] == pytest.approx(0.9105504587155964)
    assert recs.loc["mean_reward", "value"] == 286.26 and recs.loc["mean_reward", "value_raw"] == "286.26 +/- 16.68"
    assert recs.loc["accuracy", "model_raw"] == "acme-lab/distilbert-sst2-tiny"
    assert recs.loc["accuracy", "source_file"] == (
        f"{HUB}/acme-lab/distilbert-sst2-tiny/resolve/3f1c9a7e2b4d6f8091a2b3c4d5e6f708192a3b4c/README.md")
    assert recs.loc["accuracy", "source_version"] == "3f1c9a7e2b4d6f8091a2b3c4d5e6f708192a3b4c"
    assert batch.records["source_record_id"].is_unique and (batch.records["source"] == "hf_hub_live").all()
    models = batch.models.set_index("model_raw")
    assert models.loc["acme-lab/distilbert-sst2-tiny", "pipeline_tag"] == "text-classification"
    assert models.loc["acme-lab/distilbert-sst2-tiny", "base_model"] == "distilbert/distilbert-base-uncased"
    (gated,) = batch.quarantine.itertuples()
    assert gated.locator == "gated-org/llm-7b-eval" and gated.reason == "model card unavailable: HTTP 403"
    assert batch.read_count == len(batch.records) + len(batch.quarantine) == 4
    # only cards with a model-index are downloaded; both pages were listed
    assert not any("tokenizer-only" in p for p in hub.paths())
    assert hub.paths("GET").count("/api/models") == 2
    assert load_state(state) == {"cursor": "2026-03-02T10:15:42+00:00", "covered": []}
    assert hf_http._GLOBAL_CLIENT_FACTORY is factory_before  # the client factory is restored

    again = RecordedHub()
    second = read_live(state, limit=100, transport=httpx2.MockTransport(again))
    assert second.read_count == 0 and second.models.empty
    assert again.paths() == ["/api/models"]  # stopped at the cursor on the first listed model
    assert load_state(state)["cursor"] == "2026-03-02T10:15:42+00:00"


def test_limit_cuts_a_run_short_and_the_next_run_resumes_below_what_was_read(tmp_path):
    state = tmp_path / "cursor.json"
    first = read_live(state, limit=2, transport=httpx2.MockTransport(RecordedHub()))
    assert set(first.records["metric_raw"]) == {"accuracy", "f1"}
    assert load_state(state) == {"cursor": None,
                                 "covered": [["2026-03-02T09:01:07+00:00", "2026-03-02T10:15:42+00:00"]]}

    hub = RecordedHub()
    second = read_live(state, limit=2, transport=httpx2.MockTransport(hub))
    assert list(second.records["model_raw"]) == ["rl-zoo/ppo-LunarLander-v2"]
    assert list(second.quarantine["locator"]) == ["gated-org/llm-7b-eval"]
    assert not any("distilbert" in p for p in hub.paths())  # the covered span is not read again
    assert load_state(state) == {"cursor": "2026-03-02T10:15:42+00:00", "covered": []}


def test_429_and_503_are_retried_honouring_retry_after(tmp_path, hf_env):
    readme = "/acme-lab/distilbert-sst2-tiny/resolve/3f1c9a7e2b4d6f8091a2b3c4d5e6f708192a3b4c/README.md"
    hub = RecordedHub(fail={
        "GET /api/models": [httpx2.Response(429, headers={"Retry-After": "2"}, json={"error": "rate limited"})],
        f"HEAD {readme}": [httpx2.Response(503, json={"error": "Service Unavailable"})],
    })
    batch = read_live(tmp_path / "cursor.json", limit=100, transport=httpx2.MockTransport(hub))
    assert len(batch.records) == 3
    assert hub.paths("GET").count("/api/models") == 3  # 429, then page 1, page 2
    assert hub.paths("HEAD").count(readme) == 2
    assert 3.0 in hf_env  # waited Retry-After (2 s) + 1 s before retrying the listing


def test_a_failed_run_leaves_the_cursor_where_it_was(tmp_path):
    state = tmp_path / "cursor.json"
    state.write_text(json.dumps({"cursor": "2026-02-01T00:00:00+00:00", "covered": []}))
    hub = RecordedHub(fail={"GET /api/models": [httpx2.Response(500, json={"error": "boom"})] * 6})
    with pytest.raises(Exception, match="500"):
        read_live(state, limit=100, transport=httpx2.MockTransport(hub))
    assert load_state(state)["cursor"] == "2026-02-01T00:00:00+00:00"


@pytest.mark.parametrize("how", ["env", "constants"])
def test_offline_mode_fails_at_once_with_a_clear_message(tmp_path, monkeypatch, how):
    if how == "env":
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    else:
        monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    hub, start = RecordedHub(), time.monotonic()
    with pytest.raises(HubOfflineError, match=r"offline \(HF_HUB_OFFLINE=1\).*unset HF_HUB_OFFLINE"):
        read_live(tmp_path / "cursor.json", limit=10, transport=httpx2.MockTransport(hub))
    assert time.monotonic() - start < 5
    assert hub.requests == [] and not (tmp_path / "cursor.json").exists()


def test_token_is_sent_but_never_logged_nor_in_errors(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    hub = RecordedHub()
    batch = read_live(tmp_path / "cursor.json", limit=100, transport=httpx2.MockTransport(hub))
    assert len(batch.records) == 3
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in hub.requests)
    assert TOKEN not in caplog.text

    def leak(request):  # a transport error whose text carries the header value
        raise httpx2.ConnectError(f"refused ({request.headers.get('authorization')})", request=request)

    with pytest.raises(HubReadError) as info:
        read_live(tmp_path / "other.json", limit=100, token=TOKEN,
                  transport=httpx2.MockTransport(RecordedHub(raise_for=leak)))
    assert "***" in str(info.value)
    assert TOKEN not in "".join(traceback.format_exception(info.value))
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(hf_hub_live.HfApi(token=TOKEN))


def test_requests_get_a_timeout_where_the_client_sets_none(tmp_path):
    hub = RecordedHub()
    read_live(tmp_path / "cursor.json", limit=100, transport=httpx2.MockTransport(hub))
    listing = next(r for r in hub.requests if r.url.path == "/api/models")
    assert listing.extensions["timeout"] == {"connect": 10.0, "read": 30.0, "write": 30.0, "pool": 30.0}
    head = next(r for r in hub.requests if r.method == "HEAD")
    assert head.extensions["timeout"]["read"] == constants.DEFAULT_ETAG_TIMEOUT  # huggingface_hub's own is kept
