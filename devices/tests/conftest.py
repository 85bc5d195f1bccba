"""Devices, sales and real servers for the printer tests."""

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from accounts.tokens import token_pair_for
from conftest import database_url
from devices.models import Device
from devices.services import device_create
from kasserpro.tenancy import tenant_scope

BASE_DIR = Path(settings.BASE_DIR)
SERVER_START_SECONDS = 60


@pytest.fixture(autouse=True)
def _empty_channel_layer():
    """Start and end every test with no groups or messages left over."""
    async_to_sync(get_channel_layer().flush)()
    yield
    async_to_sync(get_channel_layer().flush)()


def device_for(lab, code: str, name: str = "printer") -> tuple[Device, str]:
    """Register a device at branch ``code``; return it and its key."""
    branch = lab.branches[code]
    with tenant_scope(branch.tenant_id):
        created = device_create(branch=branch, name=f"{code} {name}")
    return created.device, created.key


def sell(lab, username: str):
    """Complete a sale of one P2 by ``username`` at their home branch."""
    return lab.sale(username, [("P2", "1")])


def auth_header(key: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Device {key}".encode())]


def bearer(user) -> dict:
    """Return headers that sign ``user`` in to a server process."""
    with tenant_scope(user.tenant_id):
        access = token_pair_for(user).access_token
    return {"Authorization": f"Bearer {access}"}


# --- real servers ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    """Return once ``port`` accepts connections; fail if the server dies.

    Waiting on the process between attempts is the pause, and it notices
    a server that exited at once.
    """
    for _attempt in range(SERVER_START_SECONDS * 20):
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)
            pytest.fail(f"daphne exited: {log.read_text()[-3000:]}")
    pytest.fail(f"daphne did not listen on {port}: {log.read_text()[-3000:]}")


@contextlib.contextmanager
def daphne(tmp_path: Path, **env: str):
    """Run ``daphne kasserpro.asgi:application`` on the test database.

    Unlike the session's live_daphne, this one takes extra environment
    (REDIS_URL). Yields "127.0.0.1:PORT"; the server is stopped on the way
    out, before the test database is flushed or dropped.
    """
    port = free_port()
    log = tmp_path / f"daphne-{port}.log"
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(settings.DATABASES["default"]),
        "SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "kasserpro.settings",
        **env,
    }
    if "REDIS_URL" not in env:
        environment.pop("REDIS_URL", None)
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "kasserpro.asgi:application",
            ],
            cwd=BASE_DIR,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, process, log)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def server(lab_tx, live_daphne) -> str:
    """The session's daphne (in-memory channel layer) as "HOST:PORT"."""
    return live_daphne.removeprefix("http://")
