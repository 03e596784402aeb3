"""The background (hidden) phone stays connected: fresh URLs before expiry, reconnection."""

import pytest

from tvdesk.core.api import TotalVoiceClient
from tvdesk.core.errors import NetworkError
from tvdesk.ops import BackgroundRunner
from tvdesk.phone.background_host import BackgroundPhone, url_expiry
from tvdesk.phone.profile import create_web_profile

pytestmark = pytest.mark.webengine


@pytest.fixture
def profile(tmp_path, qapp):
    return create_web_profile(tmp_path / "web")


def fetcher(runner, server, ramal="4000"):
    def fetch(on_url, on_error):
        def work():
            with TotalVoiceClient(server.base_url, server.token) as client:
                return client.webphone_url(ramal=ramal, tipo="hidden")
        runner.run(work, on_url, on_error)
    return fetch


def hidden_fetches(server):
    return [r for r in server.requests if r.path.rstrip("/") == "/webphone"]


def test_url_expiry_is_read_from_the_signed_url():
    assert url_expiry("https://x/w3?key=k&expires=1700000000&signature=s") == 1700000000
    assert url_expiry("https://x/w3?key=k") is None


def test_a_fresh_url_replaces_one_about_to_expire(qtbot, profile, make_sandbox):
    server = make_sandbox(url_ttl=3)
    runner = BackgroundRunner()
    phone = BackgroundPhone("4000", fetcher(runner, server), lambda: profile,
                            lambda url: None, refresh_margin=2, min_refresh=0.5)
    phone.start()
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=15000)
    qtbot.waitUntil(lambda: len(hidden_fetches(server)) >= 2, timeout=10000)
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=15000)
    phone.stop()
    runner.wait()


def test_a_lost_connection_comes_back_with_backoff(qtbot, profile, make_sandbox):
    server = make_sandbox()
    runner = BackgroundRunner()
    phone = BackgroundPhone("4000", fetcher(runner, server), lambda: profile,
                            lambda url: None, backoff=(0.3, 0.6))
    states = []
    phone.connection_changed.connect(states.append)
    phone.start()
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=15000)
    assert phone.session.page.send_command("desconectar")
    qtbot.waitUntil(lambda: "disconnected" in states, timeout=5000)
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=15000)
    assert len(hidden_fetches(server)) == 2
    phone.stop()
    runner.wait()


def test_an_unreachable_api_is_retried_and_reported(qtbot, profile, qapp):
    attempts = []

    def failing_fetch(on_url, on_error):
        attempts.append(1)
        on_error(NetworkError("api.example"))

    phone = BackgroundPhone("4000", failing_fetch, lambda: profile, lambda url: None,
                            backoff=(0.1, 0.2))
    phone.start()
    qtbot.waitUntil(lambda: len(attempts) >= 3, timeout=5000)
    assert phone.connection == "error" and "api.example" in phone.last_error
    phone.stop()
    assert phone.connection == "disconnected"
    count = len(attempts)
    qtbot.wait(400)
    assert len(attempts) == count      # stopped means stopped
