"""Debian's Chromium in headless mode, for tests of the pages the project writes (`make test` installs it)."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
         "--disable-background-networking", "--no-first-run", "--virtual-time-budget=20000"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed and could not be installed here (`make test` runs "
                    "`apt-get install chromium` when it can): the browser test needs Debian's chromium")
    return path


@dataclass
class Rendered:
    dom: str  # the document after its scripts ran
    screenshot: Path
    page_requests: list[str]  # http(s) URLs the page itself asked for (the browser's own traffic left out)


def render(page: Path, out: Path, fragment: str = "", size: tuple[int, int] = (1400, 900)) -> Rendered:
    url = page.resolve().as_uri() + fragment
    out.mkdir(parents=True, exist_ok=True)
    netlog, shot = out / "net.json", out / "screenshot.png"
    run = lambda *extra: subprocess.run([chromium(), *FLAGS, f"--window-size={size[0]},{size[1]}", *extra, url],  # noqa: E731
                                        capture_output=True, text=True, timeout=180, check=True)
    dom = run(f"--log-net-log={netlog}", "--dump-dom").stdout
    run(f"--screenshot={shot}")
    events = json.loads(netlog.read_text())["events"]
    requests = {e["params"]["url"] for e in events
                if "url" in e.get("params", {}) and e["params"].get("initiator", "not an origin") != "not an origin"}
    return Rendered(dom, shot, sorted(u for u in requests if u.startswith(("http:", "https:"))))
