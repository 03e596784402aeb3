"""Fixtures for the core unit tests: small loopback HTTP servers and logging hygiene."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator

import pytest
from support.loopback import LoopbackServer, Reply


@pytest.fixture
def loopback() -> Iterator[Callable[[Callable[[str], Reply]], LoopbackServer]]:
    """Factory: `loopback(responder)` starts a server.

    `responder(path)` returns (status, headers, body).
    """
    servers: list[LoopbackServer] = []

    def factory(responder: Callable[[str], Reply]) -> LoopbackServer:
        server = LoopbackServer(responder).start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port with nothing listening on it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """configure_logging() (also run by tvdesk.app.main) rewires loggers: undo it per test."""
    names = ("tvdesk", "urllib3")
    saved = {}
    for name in names:
        logger = logging.getLogger(name)
        saved[name] = (list(logger.handlers), logger.level, logger.propagate)
    yield
    for name in names:
        logger = logging.getLogger(name)
        handlers, level, propagate = saved[name]
        for handler in list(logger.handlers):
            if handler not in handlers:
                logger.removeHandler(handler)
                handler.close()
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    from tvdesk.core import i18n

    previous = i18n.current_language()
    i18n.set_language("en")
    yield
    i18n.set_language(previous)
