"""The webphone page's policy, driven in a real Qt WebEngine against loopback servers."""

import gc
import json
import logging

import pytest
from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEnginePermission
from pytestqt.exceptions import TimeoutError
from support.page_server import PageServer

from tvdesk.phone import page as page_module
from tvdesk.phone.page import LOGGED_REFUSALS, MAX_EXTERNAL_OPENS, WebphonePage
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

LINKS_PAGE = """<html><body style="margin:0">
<a id="out" href="https://example.org/help"
   style="display:block;width:400px;height:100px">help</a>
<a id="same" href="/second" style="display:block;width:400px;height:100px">second</a>
</body></html>"""

# Counts the person's real presses (isTrusted), so a test knows its click arrived.
PRESSES = """<script>
window.presses = 0;
addEventListener('pointerdown', (e) => { if (e.isTrusted) window.presses++; }, true);
</script>"""


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


def open_in_view(qtbot, profile, url, opened=None, host=None):
    """The page shown in a view, so that a test can click in it as a person does."""
    from PySide6.QtWebEngineWidgets import QWebEngineView

    opened = [] if opened is None else opened
    view = QWebEngineView()
    qtbot.addWidget(view)
    page = WebphonePage(profile, QUrl(url), opened.append, view, host=host)
    view.setPage(page)
    view.resize(400, 400)
    view.show()
    with qtbot.waitSignal(page.loadFinished, timeout=15000):
        page.start()
    return view, page, opened


def evaluate(qtbot, page, script):
    results = []
    page.runJavaScript(script, 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    return results[0]


def click(qtbot, view, page, x=200, y=50, arrived=None):
    """A real mouse click (trusted, a user gesture), repeated until it arrived: until the
    page counted the press, or until `arrived()` when the click leaves the page."""
    if arrived is None:
        before = evaluate(qtbot, page, "window.presses")

        def arrived():
            return evaluate(qtbot, page, "window.presses || 0") > before
    for _attempt in range(20):
        QTest.mouseClick(view.focusProxy(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, QPoint(x, y))
        try:
            qtbot.waitUntil(arrived, timeout=500)
            return
        except TimeoutError:
            continue
    raise AssertionError("the page never received the click")


def other_pages(page):
    """Every other live page of the same profile: a popup would be one."""
    found = page.findChildren(QWebEnginePage) + page.profile().findChildren(QWebEnginePage)
    for thing in gc.get_objects():
        if isinstance(thing, QWebEnginePage) and thing is not page:
            try:
                if thing.profile() is page.profile():
                    found.append(thing)
            except RuntimeError:   # its C++ side is already gone
                pass
    return found


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


def test_a_link_the_person_clicks_goes_to_the_system_browser(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE + PRESSES,
                    "/second": "<html><title>second</title></html>"})
    view, page, opened = open_in_view(qtbot, profile, server.url("/w3/"))
    click(qtbot, view, page, y=50)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=5000)
    assert opened[0].toString() == "https://example.org/help"
    assert page.url().toString().startswith(server.origin + "/w3/")
    # A link on the same origin stays inside.
    click(qtbot, view, page, y=150, arrived=lambda: page.title() == "second")
    assert page.url().toString() == server.origin + "/second"
    assert len(opened) == 1


def test_a_link_clicked_by_a_script_goes_nowhere(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE + PRESSES})
    view, page, opened = open_in_view(qtbot, profile, server.url("/w3/"))
    # Chromium reports all of these as link clicks; none of them is the person's.
    page.runJavaScript("document.getElementById('out').click()")
    page.runJavaScript("setTimeout(() => { location = 'https://example.org/script'; }, 100)")
    page.runJavaScript("setTimeout(() => { location.href = 'https://example.org/href'; }, 200)")
    qtbot.wait(1000)
    assert opened == []
    assert page.url().toString().startswith(server.origin + "/w3/")


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


SPAM_PAGE = """<html><body style="margin:0">
<div style="width:400px;height:400px">anywhere</div>
<script>
let n = 0;
// Every 50 ms, and on every click: a popup and a navigation to another site.
setInterval(() => { window.open('https://example.org/timer' + (n++)); }, 50);
setInterval(() => { location = 'https://example.org/location' + (n++); }, 50);
addEventListener('click', () => {
  window.open('https://example.org/click' + (n++));
  location = 'https://example.org/click-location' + (n++);
});
</script></body></html>"""


def test_the_system_browser_gets_a_handful_of_pages_at_most(qtbot, profile, pages, monkeypatch):
    monkeypatch.setattr(page_module, "EXTERNAL_OPEN_INTERVAL", 0.0)   # only the bound counts
    server = pages({"/w3/": SPAM_PAGE + PRESSES})
    view, page, opened = open_in_view(qtbot, profile, server.url("/w3/"))
    qtbot.wait(1500)
    assert opened == []   # no click, no browser, however often the page asks
    for _ in range(MAX_EXTERNAL_OPENS + 3):
        click(qtbot, view, page)
        qtbot.wait(150)
    qtbot.wait(500)
    assert len(opened) == MAX_EXTERNAL_OPENS
    assert all(url.toString().startswith("https://example.org/click") for url in opened)
    assert page.url().toString().startswith(server.origin + "/w3/")


def test_a_page_looping_on_refused_navigations_does_not_flood_the_log(qtbot, profile, pages,
                                                                      caplog):
    server = pages({"/w3/": """<html><body><script>
    let n = 0;
    const loop = setInterval(() => {
      location = 'https://example.org/' + n;
      if (++n === 80) { clearInterval(loop); setTimeout(() => { document.title = 'done'; }, 300); }
    }, 30);
    </script></body></html>"""})
    caplog.set_level(logging.INFO, logger="tvdesk.webphone")
    _view, page, _ = open_in_view(qtbot, profile, server.url("/w3/"))   # shown: not throttled
    wait_title(qtbot, page, lambda t: t == "done")
    messages = [r.getMessage() for r in caplog.records if r.name == "tvdesk.webphone"]
    assert sum(m.startswith("refused ") for m in messages) == LOGGED_REFUSALS
    assert any("further refusals are not logged" in m for m in messages)


def test_a_double_click_opens_one_page(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE + PRESSES})
    view, page, opened = open_in_view(qtbot, profile, server.url("/w3/"))
    click(qtbot, view, page, y=50)
    click(qtbot, view, page, y=50)
    qtbot.wait(500)
    assert [url.toString() for url in opened] == ["https://example.org/help"]


HOSTILE_HIDDEN_SCRIPT = """
document.body.insertAdjacentHTML('beforeend',
  '<a id="out" href="https://example.org/hidden-link" ' +
  'style="display:block;width:400px;height:400px">x</a>');
setInterval(() => { window.open('https://example.org/timer'); }, 50);
addEventListener('click', () => { window.open('https://example.org/click'); });
"""


def test_a_background_page_never_opens_the_browser(qtbot, profile, pages):
    server = pages({"/w3": HOSTILE_HIDDEN_SCRIPT})
    # Shown and clicked here, which a background page never is: even real clicks on a
    # link and on window.open() leave the browser alone.
    view, page, opened = open_in_view(qtbot, profile, server.url("/w3?key=k"), host="hidden")
    page.runJavaScript(PRESSES.removeprefix("<script>").removesuffix("</script>"))
    qtbot.waitUntil(lambda: evaluate(qtbot, page, "!!document.getElementById('out')"),
                    timeout=5000)
    for _ in range(3):
        click(qtbot, view, page)
    qtbot.wait(500)
    assert opened == []


def test_window_open_gives_the_page_no_window_at_all(qtbot, profile, pages):
    server = pages({"/w3/": """<html><body><script>
    const blank = window.open('');
    const script = window.open('javascript:opener.document.title = "script ran"');
    const away = window.open('https://example.org/popup');
    document.title = 'open:' + [blank, script, away].map((w) => w === null).join(',');
    </script></body></html>"""})
    page, _, opened = open_page(qtbot, profile, server.url("/w3/"))
    assert wait_title(qtbot, page, lambda t: t.startswith("open:")) == "open:true,true,true"
    qtbot.wait(500)
    assert page.title() == "open:true,true,true"   # the javascript: address ran nowhere
    assert opened == []   # nobody clicked
    assert other_pages(page) == []


def test_a_popup_a_click_asks_for_is_dropped_and_its_address_goes_out(qtbot, profile, pages):
    server = pages({"/w3/": """<html><body style="margin:0">
    <div style="width:400px;height:400px">anywhere</div><script>
    addEventListener('click', () => {
      const popup = window.open('https://example.org/popup');
      const blank = window.open('');
      setTimeout(() => {
        document.title = 'closed:' + [popup, blank].map((w) => w === null || w.closed).join(',');
      }, 500);
    });
    </script></body></html>""" + PRESSES})
    view, page, opened = open_in_view(qtbot, profile, server.url("/w3/"))
    click(qtbot, view, page)
    assert wait_title(qtbot, page, lambda t: t.startswith("closed:")) == "closed:true,true"
    assert [url.toString() for url in opened] == ["https://example.org/popup"]
    assert other_pages(page) == []


def test_only_its_own_load_failing_counts_as_a_failed_load(qtbot, profile, pages):
    server = pages({"/w3/": LINKS_PAGE})
    page, _, _ = open_page(qtbot, profile, server.url("/w3/"))
    failures = []
    page.load_failed.connect(lambda: failures.append(1))
    page.runJavaScript("location = 'https://elsewhere.invalid/'")
    page.runJavaScript("setTimeout(() => { location = 'file:///etc/passwd'; }, 100)")
    qtbot.wait(1000)
    assert failures == []
    nobody = PageServer({})
    nobody.stop()   # nothing listens there any more
    gone = WebphonePage(profile, QUrl(nobody.url("/w3/")), lambda url: None)
    with qtbot.waitSignal(gone.load_failed, timeout=15000):
        gone.start()


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
