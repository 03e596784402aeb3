"""Fixtures for the sandbox tests. Qt/WebEngine env must be set before Qt is imported."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--use-fake-device-for-media-stream")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from collections.abc import Iterator

import pytest
import requests

from tvdesk.sandbox.server import SandboxServer

TOKEN = "sandbox-test-token"  # test modules repeat it: do not import from conftest


@pytest.fixture
def sandbox(make_sandbox) -> SandboxServer:
    """The sandbox as configured by default (make_sandbox lives in tests/conftest.py)."""
    return make_sandbox()


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


class Api:
    """Tiny helper: GET with the sandbox token, returning (http status, json body)."""

    def __init__(self, server: SandboxServer, session: requests.Session) -> None:
        self.server = server
        self.session = session

    def get(self, path: str, params=None, token: str | None = TOKEN, method: str = "GET"):
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Access-Token"] = token
        resp = self.session.request(
            method, self.server.base_url + path, params=params, headers=headers, timeout=10
        )
        assert resp.headers["Content-Type"] == "application/json; charset=utf-8"
        body = resp.json()
        assert body["status"] == resp.status_code
        assert set(body) == {"status", "sucesso", "motivo", "mensagem", "dados"}
        assert body["sucesso"] is (resp.status_code == 200)
        return resp.status_code, body


@pytest.fixture
def make_api(http):
    """Factory: ``make_api(server)`` -> :class:`Api` bound to that server."""
    return lambda server: Api(server, http)


@pytest.fixture
def api(sandbox, make_api) -> Api:
    return make_api(sandbox)
