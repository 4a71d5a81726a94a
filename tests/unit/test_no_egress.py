"""The suite's egress guard itself: a connection or lookup outside loopback fails, loopback works."""

from __future__ import annotations

import socket

import pytest

from tests import conftest


def test_non_loopback_connections_and_lookups_are_refused_and_recorded() -> None:
    before = len(conftest.EGRESS_ATTEMPTS)
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="egress blocked"):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed
    with pytest.raises(socket.gaierror, match="egress blocked"):
        socket.getaddrinfo("example.com", 443)
    assert len(conftest.EGRESS_ATTEMPTS) == before + 2
    del conftest.EGRESS_ATTEMPTS[before:]  # this test made them on purpose


def test_loopback_stays_reachable() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    assert socket.getaddrinfo("localhost", 80)
