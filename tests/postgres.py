"""Debian's PostgreSQL server, started for a test in a folder of its own (`make test` installs the package)."""

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import free_port


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("PostgreSQL is not installed and could not be installed here (`make test` runs "
                    "`apt-get install postgresql` when it can): the Dagster-on-PostgreSQL test needs its server")
    return Path(found[-1]).parent


def _as_server_user() -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' user to run the server as")
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def postgres_server(timeout: float = 60.0):
    """A server on a free loopback port with trust authentication, its data in a new folder under the system's
    temporary directory (the server's user must reach it; pytest's folders are the test user's alone); yields its
    URL (psycopg2, the driver dagster-postgres installs), stops it and removes the folder at the end."""
    bin_dir, prefix, port = _bin_dir(), _as_server_user(), free_port()
    folder = Path(tempfile.mkdtemp(prefix="modellens-postgres-"))
    data = folder / "data"
    if prefix:
        shutil.chown(folder, "postgres")
    server = None
    try:
        subprocess.run([*prefix, bin_dir / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
                       check=True, capture_output=True, timeout=timeout)
        log = folder / "server.log"  # a file, not a pipe nobody drains: a chatty server would block on a full one
        with open(log, "wb") as sink:
            server = subprocess.Popen(
                [*prefix, bin_dir / "postgres", "-D", data, "-p", str(port), "-k", folder,
                 "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while subprocess.run([bin_dir / "pg_isready", "-h", "127.0.0.1", "-p", str(port)],
                             capture_output=True).returncode != 0:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"postgres did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield f"postgresql+psycopg2://postgres@127.0.0.1:{port}/postgres"
    finally:
        if server is not None:  # the whole group: runuser and the server under it
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
