"""Start a real server as a subprocess for a test, wait until it answers, and always stop it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager, suppress


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running(command: list[str], ready_url: str, timeout: float = 180.0):
    """Popen (not a shell `&`, whose children ignore SIGINT), poll `ready_url`, terminate the group at the end."""
    proc = subprocess.Popen(
        command, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited early:\n{proc.stdout.read().decode()[-3000:]}")
            try:
                urllib.request.urlopen(ready_url, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{ready_url} did not answer within {timeout}s")
                time.sleep(1)
        yield proc
    finally:
        with suppress(ProcessLookupError):  # the leader may be gone while its children are not
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def post_json(url: str, payload: dict, timeout: float = 60.0) -> dict:
    import json

    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())
