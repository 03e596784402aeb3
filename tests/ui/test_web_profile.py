"""The web profile keeps nothing at rest: no signed webphone URL, no page, no cookie."""

from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtWebEngineCore import QWebEngineProfile
from support.page_server import PageServer

from tvdesk.core.api import TotalVoiceClient
from tvdesk.phone.profile import create_web_profile
from tvdesk.phone.window_host import PhoneWindow

pytestmark = pytest.mark.webengine


def files_holding(folder, secrets):
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            found += [(str(path), secret) for secret in secrets if secret in data]
    return found


def test_the_web_profile_is_off_the_record_and_keeps_its_policy(tmp_path, qapp):
    profile = create_web_profile(tmp_path / "web")
    assert profile.isOffTheRecord()
    assert profile.storageName() == ""
    assert profile.httpCacheType() == QWebEngineProfile.HttpCacheType.MemoryHttpCache
    assert profile.persistentCookiesPolicy() == QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    assert profile.persistentPermissionsPolicy() == \
        QWebEngineProfile.PersistentPermissionsPolicy.AskEveryTime
    assert "tvdesk/" in profile.httpUserAgent()
    assert profile.isSignalConnected(profile.metaObject().method(
        profile.metaObject().indexOfSignal("downloadRequested(QWebEngineDownloadRequest*)")))


def test_a_call_leaves_no_key_or_signature_on_disk(qtbot, tmp_path, sandbox):
    profile = create_web_profile(tmp_path / "web")
    with TotalVoiceClient(sandbox.base_url, sandbox.token) as client:
        url = client.webphone_url(ramal="4000", ligar_para="+554832830151", fechar_fim=True)
    query = parse_qs(urlsplit(url).query)
    secrets = [query["key"][0].encode(), query["signature"][0].encode()]
    window = PhoneWindow(profile, url, "4000", "(48) 3283-0151", True, open_external=lambda u: None)
    states = []
    window.session.state_changed.connect(states.append)
    window.show()
    with qtbot.waitSignal(window.closed, timeout=20000):
        pass
    assert "conversando" in states   # a whole call went through this profile
    qtbot.wait(1500)   # what Chromium writes, it writes soon after
    assert files_holding(tmp_path, secrets) == []


def test_an_older_versions_cache_and_storage_are_removed(tmp_path, qapp):
    web = tmp_path / "web"
    for name in ("cache", "storage"):
        (web / name / "deep").mkdir(parents=True)
        (web / name / "deep" / "entry").write_bytes(b"https://api/w3/?key=0123&signature=abcd")
    (web / "notes.txt").write_text("not ours to remove")
    create_web_profile(web)
    assert sorted(p.name for p in web.iterdir()) == ["notes.txt"]


# A webphone page as a server may well send it: cacheable, and keeping its key in a
# cookie and in local storage.
KEEPS_ITS_KEY = """<html><body><script>
const key = new URLSearchParams(location.search).get('key');
localStorage.setItem('webphone', key);
document.cookie = 'webphone=' + key + '; max-age=3600; path=/';
window.parent.postMessage({message: 'status', status: 'conectado'}, '*');
</script></body></html>"""


def test_a_cacheable_page_with_cookies_and_storage_leaves_nothing_on_disk(qtbot, tmp_path):
    server = PageServer({"/w3/": KEEPS_ITS_KEY}, headers={"Cache-Control": "private, max-age=600"})
    key, signature = "0123456789abcdef0123456789abcdef", "fedcba9876543210" * 4
    url = server.url(f"/w3/?key={key}&signature={signature}&expires=9999999999")
    try:
        profile = create_web_profile(tmp_path / "web")
        window = PhoneWindow(profile, url, "4000", "", False, open_external=lambda u: None)
        window.show()
        # 30 s, as elsewhere: a machine busy with other work once took more than 10 s here.
        qtbot.waitUntil(lambda: window.session.state == "conectado", timeout=30000)
        qtbot.wait(6000)   # local storage reaches the disk about 5 s after a write
        assert files_holding(tmp_path, [key.encode(), signature.encode()]) == []
        window.close()
    finally:
        server.stop()
