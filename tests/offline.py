"""Run sleepplan with network sockets disabled (the tests' way to prove it never goes online).

``python -m tests.offline ARGS…`` is ``sleepplan ARGS…`` in a process where creating an
internet socket or resolving a name raises. Unix sockets stay allowed: asyncio (and so Textual)
uses a local socket pair for its own wake-ups.
"""

from __future__ import annotations

import socket
import sys
from typing import Any, NoReturn

BLOCKED_FAMILIES = {socket.AF_INET, socket.AF_INET6}
_original_socket = socket.socket


class NetworkBlocked(RuntimeError):
    """sleepplan tried to use the network."""


def _refuse(*_: Any, **__: Any) -> NoReturn:
    raise NetworkBlocked("sleepplan must not use the network")


class _GuardedSocket(_original_socket):
    def __init__(self, family: Any = -1, *args: Any, **kwargs: Any) -> None:
        if family in BLOCKED_FAMILIES or family == -1:
            _refuse()
        super().__init__(family, *args, **kwargs)


def block_network() -> None:
    """Make internet sockets and name resolution raise in this process."""
    socket.socket = _GuardedSocket  # type: ignore[misc]
    socket.create_connection = _refuse
    socket.getaddrinfo = _refuse


def main() -> int:
    """Block the network, then run sleepplan's command line."""
    block_network()
    if sys.argv[1:] == ["--probe-network"]:
        try:
            socket.create_connection(("127.0.0.1", 9))
        except NetworkBlocked:
            print("blocked")
            return 0
        return 1
    from sleepplan.cli import main as sleepplan_main

    return sleepplan_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
