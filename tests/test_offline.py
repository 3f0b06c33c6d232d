"""The suite runs offline: internet sockets fail in-process and in the app's subprocesses."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.offline import NetworkBlocked


def test_internet_sockets_are_refused_in_process() -> None:
    with pytest.raises(NetworkBlocked):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(NetworkBlocked):
        socket.getaddrinfo("example.org", 443)
    left, right = socket.socketpair()  # local wake-up pipes still work (asyncio needs them)
    left.close()
    right.close()


def test_internet_sockets_are_refused_in_the_apps_subprocesses() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.offline", "--probe-network"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout.strip() == "blocked"
