"""The live Papers-with-Code archive connector against recorded HTTP responses (httpx2.MockTransport)."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx2
import pytest

from orchestration.sources import pwc, pwc_live
from orchestration.sources.pwc_live import read_live

ARCHIVE = (Path(__file__).parent / "recorded" / "pwc" / "evaluation-tables.json").read_bytes()
URL = "https://mirror.example/about/evaluation-tables.json.gz"
ETAG = 'W/"5f2b-18e0c3a1b90"'
LAST_MODIFIED = "Sat, 14 Mar 2026 06:00:00 GMT"


class RecordedServer:
    """Answers 304 to a matching ``If-None-Match``, else 200 with the archive; ``queued`` responses come first."""

    def __init__(self, body: bytes = ARCHIVE, queued: list[httpx2.Response] | None = None):
        self.body, self.queued, self.requests = body, list(queued or []), []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.queued:
            return self.queued.pop(0)
        headers = {"ETag": ETAG, "Last-Modified": LAST_MODIFIED}
        if request.headers.get("If-None-Match") == ETAG:
            return httpx2.Response(304, headers=headers)
        return httpx2.Response(200, content=self.body, headers={**headers, "Content-Type": "application/json"})

    def client(self) -> httpx2.Client:
        return httpx2.Client(transport=httpx2.MockTransport(self))


@pytest.fixture
def parse_calls(monkeypatch):
    """Counts calls to the real parser (it still runs)."""
    calls = []
    real = pwc.parse_evaluation_tables

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(pwc, "parse_evaluation_tables", counting)
    return calls


def test_an_unchanged_archive_is_not_parsed_again(tmp_path, parse_calls):
    server = RecordedServer()
    first = read_live(URL, tmp_path, client=server.client())
    assert sorted(first.records["metric_raw"]) == ["Accuracy", "EM", "F1", "Top 1 Accuracy", "Top 1 Accuracy"]
    assert first.records.set_index("model_raw").loc["ViT-B/16", "value"] == 84.15
    assert (first.records["source_file"] == URL).all() and (first.records["snapshot_date"] == "2026-03-14").all()
    assert first.records["source_version"].str.startswith("sha256:").all()
    assert first.read_count == 5 + 3  # "25M", "86M" params and a "-" accuracy are quarantined
    assert set(first.datasets["dataset_raw"]) == {"ImageNet", "CUB-200-2011", "SQuAD1.1"}

    second = read_live(URL, tmp_path, client=server.client())
    assert server.requests[1].headers["If-None-Match"] == ETAG
    assert server.requests[1].headers["If-Modified-Since"] == LAST_MODIFIED
    assert parse_calls == [URL]  # the 304 run did not parse
    assert list(second.records["source_record_id"]) == list(first.records["source_record_id"])
    assert second.records["value"].tolist() == first.records["value"].tolist()
    assert len(second.quarantine) == 3 and len(second.models) == len(first.models)


def test_a_gzipped_archive_parses_like_the_plain_one(tmp_path, snapshot_dir):
    plain = read_live(URL, tmp_path / "a", client=RecordedServer().client())
    zipped = read_live(URL, tmp_path / "b", client=RecordedServer(gzip.compress(ARCHIVE)).client())
    assert zipped.records["value"].tolist() == plain.records["value"].tolist()
    # a real evaluation-tables document from the snapshot, served gzipped
    doc = (snapshot_dir / "pwc_sota_extractor" / "data" / "tasks" / "squad.json").read_bytes()
    real = read_live(URL, tmp_path / "c", client=RecordedServer(gzip.compress(doc)).client())
    assert len(real.records) > 100 and real.records["value"].notna().all()
    assert {"SQuAD1.1", "SQuAD2.0"} <= set(real.records["dataset_raw"])


def test_429_and_5xx_are_retried_with_back_off_honouring_retry_after(tmp_path):
    server = RecordedServer(queued=[httpx2.Response(503, headers={"Retry-After": "3"}), httpx2.Response(429)])
    sleeps: list[float] = []
    batch = read_live(URL, tmp_path, client=server.client(), sleep=sleeps.append)
    assert len(batch.records) == 5 and len(server.requests) == 3
    assert sleeps == [3.0, 2.0]  # Retry-After, then the exponential step (1 s * 2**1)


def test_gives_up_after_the_last_attempt_and_keeps_the_cache(tmp_path):
    read_live(URL, tmp_path, client=RecordedServer().client())
    failing = RecordedServer(queued=[httpx2.Response(502)] * 5)
    with pytest.raises(httpx2.HTTPStatusError, match="502"):
        read_live(URL, tmp_path, client=failing.client(), sleep=lambda s: None)
    assert len(failing.requests) == 5
    again = read_live(URL, tmp_path, client=RecordedServer().client())  # the cache still answers a 304
    assert len(again.records) == 5


def test_a_truncated_archive_is_quarantined_not_fatal(tmp_path):
    batch = read_live(URL, tmp_path, client=RecordedServer(gzip.compress(ARCHIVE)[:200]).client())
    (row,) = batch.quarantine.itertuples()
    assert row.reason.startswith("unreadable archive: EOFError") and batch.records.empty
    assert batch.read_count == 1


def test_a_parser_change_or_another_url_ignores_the_cache(tmp_path, monkeypatch):
    server = RecordedServer()
    read_live(URL, tmp_path, client=server.client())
    monkeypatch.setattr(pwc_live, "_code_version", lambda: "changed")
    read_live(URL, tmp_path, client=server.client())
    read_live(URL + "?v=2", tmp_path, client=server.client())
    read_live(URL + "?v=2", tmp_path, client=server.client())
    assert [r.headers.get("If-None-Match") for r in server.requests] == [None, None, None, ETAG]
