"""PhoneWindow: closes at the end of a call when fechar_fim is on, and only then."""

import pytest
from support.page_server import PageServer

from tvdesk.core.api import TotalVoiceClient
from tvdesk.phone.profile import create_web_profile
from tvdesk.phone.window_host import PhoneWindow

pytestmark = pytest.mark.webengine

ENDS_WITHOUT_CLOSING = """<html><body><script>
const post = (m) => window.parent.postMessage(m, '*');
post({message: 'status', status: 'conectado'});
post({message: 'status', status: 'chamando'});
setTimeout(() => post({message: 'status', status: 'encerrada'}), 300);
</script></body></html>"""

CLOSES_ONLY = """<html><body><script>setTimeout(() => window.close(), 300);</script></body></html>"""


@pytest.fixture
def profile(tmp_path, qapp):
    return create_web_profile(tmp_path / "web")


@pytest.fixture
def page_server():
    server = PageServer({"/ends": ENDS_WITHOUT_CLOSING, "/closes": CLOSES_ONLY})
    yield server
    server.stop()


def make_window(qtbot, profile, url, fechar_fim, number="(48) 3283-0151"):
    window = PhoneWindow(profile, url, "4000", number, fechar_fim, open_external=lambda u: None)
    qtbot.addWidget(window, before_close_func=lambda w: None)
    window.show()
    return window


def test_sandbox_call_ends_and_the_window_closes_itself(qtbot, profile, sandbox):
    with TotalVoiceClient(sandbox.base_url, sandbox.token) as client:
        url = client.webphone_url(ramal="4000", ligar_para="+554832830151", fechar_fim=True)
    window = PhoneWindow(profile, url, "4000", "(48) 3283-0151", True, open_external=lambda u: None)
    states, granted = [], []
    window.session.state_changed.connect(states.append)
    window.page.microphone_granted.connect(granted.append)
    window.show()
    assert "4000" in window.windowTitle() and "(48) 3283-0151" in window.windowTitle()
    with qtbot.waitSignal(window.closed, timeout=20000) as closed:
        pass
    assert closed.args == ["4000"]
    assert granted == [sandbox.base_url + "/"]
    assert states[:3] == ["conectado", "chamando", "conversando"]
    assert states[-1] == "encerrada"


def test_encerrada_closes_the_window_when_fechar_fim(qtbot, profile, page_server):
    window = make_window(qtbot, profile, page_server.url("/ends"), fechar_fim=True)
    with qtbot.waitSignal(window.closed, timeout=10000):
        pass
    assert window.session.state == "encerrada"


def test_encerrada_keeps_the_window_without_fechar_fim(qtbot, profile, page_server):
    window = make_window(qtbot, profile, page_server.url("/ends"), fechar_fim=False)
    with qtbot.waitSignal(window.session.state_changed, timeout=10000,
                          check_params_cb=lambda state: state == "encerrada"):
        pass
    qtbot.wait(300)
    assert window.isVisible()
    assert "call ended" in window.windowTitle()
    window.close()


def test_window_close_from_the_page_closes_the_window(qtbot, profile, page_server):
    window = make_window(qtbot, profile, page_server.url("/closes"), fechar_fim=True)
    with qtbot.waitSignal(window.closed, timeout=10000):
        pass
    assert not window.isVisible()


def test_geometry_is_reported_on_close_and_restored(qtbot, profile, page_server):
    window = make_window(qtbot, profile, page_server.url("/ends"), fechar_fim=False)
    window.resize(420, 640)
    saved = []
    window.geometry_changed.connect(saved.append)
    window.close()
    assert saved and saved[0]
    again = make_window(qtbot, profile, page_server.url("/ends"), fechar_fim=False)
    again.close()
    restored = PhoneWindow(profile, page_server.url("/ends"), "4000", "", False,
                           geometry=saved[0], open_external=lambda u: None)
    assert (restored.width(), restored.height()) == (420, 640)
    restored.close()


def test_a_crashed_page_offers_a_reload_and_the_window_still_closes(qtbot, profile, page_server):
    import os
    import signal

    window = make_window(qtbot, profile, page_server.url("/ends"), fechar_fim=False)
    qtbot.waitUntil(lambda: window.page.renderProcessPid() > 0, timeout=10000)
    with qtbot.waitSignal(window.page.renderProcessTerminated, timeout=10000):
        os.kill(window.page.renderProcessPid(), signal.SIGKILL)
    assert window.crash_banner.isVisible()
    with qtbot.waitSignal(window.reload_requested) as reload:
        window.reload_button.click()
    assert reload.args == ["4000"]
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()
