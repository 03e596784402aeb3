"""A webphone page whose certificate Chromium does not trust (a proxy re-signing TLS
with a company CA that is not in NSS): never accepted, and the person is told why
instead of seeing a blank window."""

from __future__ import annotations

import pytest
import trustme
from support.https_server import https_server

from tvdesk.core import i18n
from tvdesk.phone.background_host import BackgroundPhone
from tvdesk.phone.page import certificate_message
from tvdesk.phone.profile import create_web_profile
from tvdesk.phone.window_host import PhoneWindow

pytestmark = pytest.mark.webengine

PAGE = b"<html><body><p id='marker'>webphone loaded</p></body></html>"


@pytest.fixture
def profile(tmp_path, qapp):
    return create_web_profile(tmp_path / "web")


@pytest.fixture
def untrusted_server():
    """HTTPS on loopback with a certificate from a throwaway CA nobody trusts.
    `hits` lists every HTTP request that got through TLS: none, if it was refused."""
    ca = trustme.CA()
    with https_server(ca, PAGE, "text/html; charset=utf-8", quiet_handshakes=True) as served:
        yield served


def test_an_untrusted_certificate_shows_the_banner_and_is_never_accepted(
        qtbot, profile, untrusted_server):
    base, hits = untrusted_server
    window = PhoneWindow(profile, base + "/w3?key=k", "4000", "", False,
                         open_external=lambda u: None)
    qtbot.addWidget(window, before_close_func=lambda w: None)
    seen = []
    window.page.certificateError.connect(lambda error: seen.append(error.url().host()))
    with qtbot.waitSignal(window.page.certificate_rejected, timeout=15000) as rejected:
        window.show()
    assert rejected.args == ["127.0.0.1"]
    assert seen and set(seen) == {"127.0.0.1"}
    assert window.crash_banner.isVisible()
    text = window.crash_label.text()
    assert text == certificate_message()
    assert "certificate is not trusted" in text and "certutil" in text \
        and "Troubleshooting" in text
    # Nothing was accepted: no request ever got through TLS, the page is not shown.
    qtbot.wait(500)
    assert hits == []
    html = []
    window.page.toHtml(html.append)
    qtbot.waitUntil(lambda: bool(html), timeout=5000)
    assert "webphone loaded" not in html[0]
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()


def test_the_background_phone_reports_it_as_its_error(qtbot, profile, untrusted_server):
    base, hits = untrusted_server
    fetches = []

    def fetch(on_url, on_error):
        fetches.append(1)
        on_url(base + "/w3?key=k&tipo=hidden")

    phone = BackgroundPhone("4000", fetch, lambda: profile, lambda url: None,
                            backoff=(0.3, 0.6))
    phone.start()
    qtbot.waitUntil(lambda: phone.connection == "error", timeout=15000)
    assert phone.last_error == certificate_message()
    qtbot.waitUntil(lambda: len(fetches) >= 2, timeout=5000)   # tried again later
    phone.stop()
    assert hits == []


def test_the_message_is_translated():
    try:
        i18n.set_language("pt_BR")
        text = certificate_message()
        assert "certificado" in text and "certutil" in text
    finally:
        i18n.set_language("en")


def test_a_background_phones_connection_error_is_told_once_per_reason(qapp, qtbot, tmp_path,
                                                                       make_sandbox):
    from PySide6.QtCore import QObject, Signal
    from support.desktop import compose_for_account

    from tvdesk.core.settings import Extension

    class Phone(QObject):
        connection_changed = Signal(str)
        session_created = Signal(object)

        def __init__(self):
            super().__init__()
            self.ramal, self.connection, self.last_error, self.session = "4000", "error", "", None

        def in_call(self):
            return False

        def fail(self, text):
            self.last_error = text
            self.connection_changed.emit("error")

    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", make_sandbox(),
                                  extensions=[Extension("4000")], default_ramal="4000")
    told = []
    desktop.messages.told.connect(lambda message: told.append(message.text))
    phone = Phone()
    desktop.hidden.watch(phone)
    for _ in range(3):
        phone.fail("certificate not trusted")          # retries with the same reason
    phone.fail("The API is having trouble")
    phone.connection_changed.emit("connected")
    phone.fail("certificate not trusted")              # after a connection: worth saying again
    assert told == ["Extension 4000: certificate not trusted",
                    "Extension 4000: The API is having trouble",
                    "Extension 4000: certificate not trusted"]
    desktop.shutdown.quit()
