"""The webphone page's policy, driven in a real Qt WebEngine against loopback servers."""

import json

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePermission
from pytestqt.exceptions import TimeoutError
from support.page_server import PageServer

from tvdesk.phone.page import WebphonePage
from tvdesk.phone.profile import create_web_profile
from tvdesk.phone.session import PhoneSession

pytestmark = pytest.mark.webengine

MIC_PAGE = """<html><body><script>
navigator.mediaDevices.getUserMedia({audio: true})
  .then(() => { document.title = 'mic:granted'; })
  .catch((e) => { document.title = 'mic:denied'; });
</script></body></html>"""

OTHER_PERMISSIONS_PAGE = """<html><body><script>
const results = {};
function done(name, value) { results[name] = value; document.title = JSON.stringify(results); }
navigator.mediaDevices.getUserMedia({video: true})
  .then(() => done('camera', 'granted')).catch(() => done('camera', 'denied'));
navigator.geolocation.getCurrentPosition(() => done('geo', 'granted'),
  (e) => done('geo', e.code === 1 ? 'denied' : 'unavailable'), {timeout: 3000});
Notification.requestPermission().then((p) => done('notifications', p));
setTimeout(() => { if (!('geo' in results)) done('geo', 'no answer'); }, 4000);
</script></body></html>"""

IFRAME_PAGE = """<html><body><iframe allow="microphone" src="{OTHER}/mic"></iframe></body></html>"""

LINKS_PAGE = """<html><body>
<a id="out" href="https://example.org/help">help</a>
<a id="same" href="/second">second</a>
</body></html>"""


@pytest.fixture
def profile(tmp_path, qapp):
    profile = create_web_profile(tmp_path / "web")
    yield profile


@pytest.fixture
def pages():
    servers = []

    def make(pages_by_path):
        server = PageServer(pages_by_path)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def open_page(qtbot, profile, url, opened=None):
    opened = [] if opened is None else opened
    page = WebphonePage(profile, QUrl(url), opened.append)
    permissions = []
    page.permissionRequested.connect(
        lambda p: permissions.append((p.permissionType(), p.origin().toString())))
    with qtbot.waitSignal(page.loadFinished, timeout=15000):
        page.start()
    return page, permissions, opened


def wait_title(qtbot, page, predicate, timeout=10000):
    try:
        qtbot.waitUntil(lambda: predicate(page.title()), timeout=timeout)
    except TimeoutError:
        raise AssertionError(f"page title stayed {page.title()!r}") from None
    return page.title()


def test_microphone_is_granted_to_the_webphone_origin(qtbot, profile, pages):
    server = pages({"/w3/": MIC_PAGE})
    page, permissions, _ = open_page(qtbot, profile, server.url("/w3/?key=abc"))
    assert wait_title(qtbot, page, lambda t: t.startswith("mic:")) == "mic:granted"
    assert permissions == [(QWebEnginePermission.PermissionType.MediaAudioCapture,
                            server.origin + "/")]


def test_every_other_permission_is_denied(qtbot, profile, pages):
    server = pages({"/w3/": OTHER_PERMISSIONS_PAGE})
    page, permissions, _ = open_page(qtbot, profile, server.url("/w3/"))
    title = wait_title(qtbot, page, lambda t: t.startswith("{") and len(json.loads(t)) == 3)
    results = json.loads(title)
    assert results["camera"] == "denied"
    assert results["geo"] != "granted"
    if QWebEnginePermission.PermissionType.Geolocation in {k for k, _o in permissions}:
        assert results["geo"] == "denied"
    assert results["notifications"] != "granted"
    kinds = {kind for kind, _origin in permissions}
    assert QWebEnginePermission.PermissionType.MediaAudioCapture not in kinds


def test_microphone_is_denied_to_another_origin_in_a_frame(qtbot, profile, pages):
    other = pages({"/mic": MIC_PAGE})
    host = pages({"/w3/": IFRAME_PAGE.replace("{OTHER}", other.origin)})
    page, permissions, _ = open_page(qtbot, profile, host.url("/w3/"))
    # The frame navigation to another origin is refused outright, so no request at all
    # reaches the policy; and if one did, it would not come from the webphone origin.
    qtbot.wait(1500)
    assert all(origin.startswith(host.origin) for _kind, origin in permissions)
    assert "/mic" not in other.hits


def test_a_link_to_another_origin_goes_to_the_system_browser(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE, "/second": "<html><title>second</title></html>"})
    page, _, opened = open_page(qtbot, profile, server.url("/w3/"))
    page.runJavaScript("document.getElementById('out').click()")
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    assert opened[0].toString() == "https://example.org/help"
    assert page.url().toString().startswith(server.origin + "/w3/")
    # A link on the same origin stays inside.
    with qtbot.waitSignal(page.loadFinished, timeout=10000):
        page.runJavaScript("document.getElementById('same').click()")
    assert page.url().toString() == server.origin + "/second"
    assert len(opened) == 1


def test_a_redirect_to_another_origin_is_refused_and_not_opened(qtbot, profile, pages):
    other = pages({"/landing": "<html><title>elsewhere</title></html>"})
    server = pages({"/w3/": LINKS_PAGE}, )
    server.redirects["/go"] = other.url("/landing")
    page, _, opened = open_page(qtbot, profile, server.url("/w3/"))
    page.runJavaScript("location.href = '/go'")
    qtbot.waitUntil(lambda: "/go" in server.hits, timeout=5000)
    qtbot.wait(500)
    assert "/landing" not in other.hits
    assert opened == []
    assert page.url().toString().startswith(server.origin)


def test_a_page_cannot_flood_the_system_browser(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE})
    page, _, opened = open_page(qtbot, profile, server.url("/w3/"))
    page.runJavaScript("for (let i = 0; i < 5; i++) {"
                       " setTimeout(() => document.getElementById('out').click(), i * 50); }")
    qtbot.waitUntil(lambda: len(opened) >= 1, timeout=5000)
    qtbot.wait(600)
    assert len(opened) == 1


def test_window_open_goes_to_the_system_browser(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE})
    page, _, opened = open_page(qtbot, profile, server.url("/w3/"))
    page.runJavaScript("window.open('https://example.org/popup')")
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    assert opened[0].toString() == "https://example.org/popup"


def test_bridge_is_invisible_to_the_page_and_passes_only_documented_events(qtbot, profile, pages):
    page_html = """<html><body><script>
    document.title = 'qt:' + (typeof qt) + ',bridge:' + (typeof tvdeskBridge);
    setTimeout(() => {
      window.parent.postMessage({message: 'evil', payload: 'x'}, '*');
      window.parent.postMessage({message: 'status', status: 'hacked'}, '*');
      window.parent.postMessage({message: 'status', status: 'chamando'}, '*');
      window.parent.postMessage({message: 'status_erro', status_erro: 'falha'}, '*');
    }, 300);
    </script></body></html>"""
    server = pages({"/w3/": page_html})
    events = []
    page = WebphonePage(profile, QUrl(server.url("/w3/")), lambda url: None)
    page.call_event.connect(events.append)
    session = PhoneSession(page, "4000")
    errors = []
    session.error.connect(errors.append)
    with qtbot.waitSignal(session.state_changed, timeout=10000) as blocker:
        page.start()
    assert blocker.args == ["chamando"]
    qtbot.waitUntil(lambda: errors == ["falha"], timeout=5000)
    assert page.title() == "qt:undefined,bridge:undefined"
    assert [e.name for e in events] == ["status", "status_erro"]


def test_clipboard_and_screen_capture_are_denied(qtbot, profile, pages):
    page_html = """<html><body><button id=b>b</button><script>
    const results = {};
    function done(name, value) { results[name] = value; document.title = JSON.stringify(results); }
    document.getElementById('b').onclick = () => {
      navigator.clipboard.readText().then(() => done('clipboard', 'granted'),
                                          () => done('clipboard', 'denied'));
      navigator.mediaDevices.getDisplayMedia({video: true}).then(() => done('screen', 'granted'),
                                                                 () => done('screen', 'denied'));
    };
    </script></body></html>"""
    server = pages({"/w3/": page_html})
    page, _, _ = open_page(qtbot, profile, server.url("/w3/"))
    page.runJavaScript("document.getElementById('b').click()")
    title = wait_title(qtbot, page, lambda t: t.startswith("{") and len(json.loads(t)) == 2)
    assert json.loads(title) == {"clipboard": "denied", "screen": "denied"}


def test_a_hung_page_does_not_keep_its_window_open(qtbot, profile, pages):
    from tvdesk.phone.window_host import PhoneWindow

    server = pages({"/w3/": "<html><body><script>setTimeout(() => { while (true) {} }, 300);"
                            "</script></body></html>"})
    window = PhoneWindow(profile, server.url("/w3/"), "4000", "", True, open_external=lambda u: None)
    window.show()
    qtbot.waitUntil(lambda: window.page.url().toString().startswith(server.origin), timeout=5000)
    qtbot.wait(800)   # the page's script now spins forever
    with qtbot.waitSignal(window.closed, timeout=5000):
        window.close()


def test_file_links_and_downloads_go_nowhere(qtbot, profile, pages):
    server = pages({"/w3/": '<html><body><a id="f" href="file:///etc/passwd">f</a>'
                            '<a id="d" href="/report.bin" download>d</a></body></html>',
                    "/report.bin": "secret report"})
    page, _, opened = open_page(qtbot, profile, server.url("/w3/"))
    downloads = []
    profile.downloadRequested.connect(lambda item: downloads.append(item))
    page.runJavaScript("document.getElementById('f').click()")
    qtbot.wait(500)
    assert opened == [] and page.url().toString().startswith(server.origin + "/w3/")
    page.runJavaScript("document.getElementById('d').click()")
    qtbot.waitUntil(lambda: len(downloads) == 1, timeout=5000)
    qtbot.waitUntil(lambda: downloads[0].isFinished(), timeout=5000)
    assert downloads[0].state() != downloads[0].DownloadState.DownloadCompleted
