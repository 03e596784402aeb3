"""The phone process: Qt WebEngine in a child of the tray app, started on intent, gone a
while after the last call, kept by a background phone, and survived when it crashes.

The composed app runs in the test process against the sandbox; the phone process is the
real child (`python -m tvdesk.phone.process_child`), so every window and page here is
shown by it and every event comes back over its pipe.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import pytest
from support.desktop import compose_for_account, dial
from support.processes import descendants

from tvdesk.core.dialing import DialRequest
from tvdesk.core.settings import Extension
from tvdesk.phone.process_host import (
    RemotePage,
    _event_from,
    phone_process_environment,
    with_one_renderer,
)

pytestmark = [pytest.mark.webengine,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

EXTENSIONS = [Extension("4000", "Recepção"), Extension("4001", "Vendas")]


def make_app(qapp, qtbot, tmp_path, sandbox, **settings):
    settings.setdefault("extensions", EXTENSIONS)
    settings.setdefault("default_ramal", "4000")
    settings.setdefault("phone_process_linger", 1)
    return compose_for_account(qapp, qtbot, tmp_path / "home", sandbox, **settings)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def call_and_wait_for_the_end(app, qtbot, number="4001"):
    """A dial whose window the sandbox call ends, closing it (fechar_fim)."""
    with qtbot.waitSignal(app.dialer.window_opened, timeout=20000) as opened:
        outcomes = dial(app, DialRequest(ramal="4000", number=number))
    assert outcomes and outcomes[0].started
    window = opened.args[0]
    with qtbot.waitSignal(app.dialer.window_closed, timeout=30000):
        pass
    return window


def test_a_call_runs_in_the_phone_process_which_goes_after_the_last_call(qapp, qtbot, tmp_path,
                                                                          sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox)
    link = app.dialer.phone_link()
    assert not link.running                       # nothing at start
    window = call_and_wait_for_the_end(app, qtbot)
    assert window.windowTitle().startswith("Extension 4000 → 4001")   # as the person saw it
    assert link.starts == 1
    pid = link.pid()
    assert pid is not None and alive(pid)        # still warm for the next call...
    qtbot.waitUntil(lambda: not link.running, timeout=10000)   # ...then gone (linger 1 s)
    qtbot.waitUntil(lambda: not alive(pid), timeout=5000)
    # The next call starts a fresh one, and works the same.
    call_and_wait_for_the_end(app, qtbot, "4002")
    assert link.starts == 2
    assert [r.query.get("ligar_para") for r in sandbox.requests
            if r.path.rstrip("/") == "/webphone"] == [["4001"], ["4002"]]
    app.shutdown.quit()
    assert not link.running


def test_calls_inside_the_linger_reuse_the_warm_process(qapp, qtbot, tmp_path, sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox, phone_process_linger=60)
    link = app.dialer.phone_link()
    for number in ("4001", "4002", "4001"):
        call_and_wait_for_the_end(app, qtbot, number)
    assert link.starts == 1 and link.running and link.page_count() == 0
    app.shutdown.quit()


def test_intent_without_a_call_lets_the_process_go(qapp, qtbot, tmp_path, sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox)
    link = app.dialer.phone_link()
    qtbot.wait(300)                               # start-up done: signs of intent are wired
    assert not link.running
    app.tray.menu.aboutToShow.emit()              # the person opens the tray menu
    qtbot.waitUntil(lambda: link.running, timeout=5000)
    qtbot.waitUntil(lambda: link.is_ready, timeout=20000)
    qtbot.waitUntil(lambda: not link.running, timeout=10000)
    app.tray.menu.aboutToShow.emit()              # and again after lunch
    qtbot.waitUntil(lambda: link.running, timeout=5000)
    assert link.starts == 2
    app.shutdown.quit()


def command(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def audio_services(pid: int) -> list[int]:
    """Chromium's audio service under `pid`: a utility process of its own."""
    return [p for p in descendants(pid) if b"audio.mojom.AudioService" in command(p)]


def test_intent_starts_the_audio_service_before_any_call(qapp, qtbot, tmp_path, sandbox,
                                                        monkeypatch):
    # The first call's getUserMedia would otherwise wait for it to start. Chromium's fake
    # device (the other tests' microphone) needs no audio service: a real backend here.
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "")
    monkeypatch.setenv("TVDESK_FAKE_MICROPHONE", "0")
    app = make_app(qapp, qtbot, tmp_path, sandbox, phone_process_linger=60)
    link = app.dialer.phone_link()
    qtbot.wait(300)
    app.tray.menu.aboutToShow.emit()
    qtbot.waitUntil(lambda: link.is_ready, timeout=20000)
    qtbot.waitUntil(lambda: bool(audio_services(link.pid())), timeout=10000)
    assert not [r for r in sandbox.requests if r.path.startswith("/webphone")]
    assert not app.dialer.windows
    app.shutdown.quit()


def start_with_a_background_phone(qapp, qtbot, tmp_path, sandbox, **settings):
    """The app with 4000 as a background (hidden) extension, once that phone is connected."""
    app = make_app(qapp, qtbot, tmp_path, sandbox, **settings,
                   extensions=[Extension("4000", "Recepção", tipo="hidden"),
                               Extension("4001", "Vendas")])
    link = app.dialer.phone_link()
    qtbot.waitUntil(lambda: "4000" in app.dialer.background, timeout=5000)
    phone = app.dialer.background["4000"]
    qtbot.waitUntil(lambda: phone.connection == "connected", timeout=30000)
    return app, link, phone


def test_a_background_phone_keeps_the_process_and_calls_through_it(qapp, qtbot, tmp_path,
                                                                   sandbox):
    app, link, phone = start_with_a_background_phone(qapp, qtbot, tmp_path, sandbox)
    assert isinstance(phone.session.page, RemotePage)
    qtbot.wait(2500)                               # past the linger: a background phone stays
    assert link.running and phone.connection == "connected"
    outcomes = dial(app, DialRequest(ramal="4000", number="4001"))
    assert outcomes[0].started
    qtbot.waitUntil(lambda: phone.session.state == "chamando", timeout=10000)
    assert phone.session.hangup()
    qtbot.waitUntil(lambda: not phone.in_call(), timeout=10000)
    # The extension becomes a window type: its background phone goes, and so does the process.
    app.state.settings.extensions = [Extension("4000", "Recepção"), Extension("4001", "Vendas")]
    app.state.settings_changed.emit()
    qtbot.waitUntil(lambda: not link.running, timeout=10000)
    app.shutdown.quit()


def renderers(pid: int) -> list[int]:
    """Renderer processes under `pid`: Qt WebEngine's zygote forks them, and they keep the
    zygote's command line (a zygote-typed process whose parent is a zygote)."""
    def parent(p: int) -> int:
        try:
            return int(Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            return 0

    return [p for p in descendants(pid) if b"--type=renderer" in command(p)
            or (b"--type=zygote" in command(p) and b"--type=zygote" in command(parent(p)))]


def another_renderer(qtbot, pid: int, old: int) -> int:
    """Wait until `pid` has one renderer and it is not `old`; return it."""
    found: list[int] = []

    def renewed() -> bool:
        now = renderers(pid)
        found[:] = now
        return len(now) == 1 and now[0] != old

    qtbot.waitUntil(renewed, timeout=10000)
    return found[0]


def test_without_a_background_phone_calls_share_the_warm_renderer_renewed_after_each(
        qapp, qtbot, tmp_path, sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox, fechar_fim=False, phone_process_linger=60)
    link = app.dialer.phone_link()
    seen: list[int] = []
    for number in ("4001", "4002", "4003"):
        with qtbot.waitSignal(app.dialer.window_opened, timeout=20000) as opened:
            dial(app, DialRequest(ramal="4000", number=number))
        qtbot.waitUntil(lambda: opened.args[0].session.state == "chamando", timeout=10000)
        # The warm page and the call's page: one renderer, the one that was waiting.
        shared = renderers(link.pid())
        assert len(shared) == 1
        assert not seen or shared[0] == seen[-1][1]
        with qtbot.waitSignal(app.dialer.window_closed, timeout=10000):
            app.dialer.close_all()
        # After the call, the warm page gets a fresh renderer: none grows call after call.
        seen.append((shared[0], another_renderer(qtbot, link.pid(), shared[0])))
    assert link.starts == 1
    app.shutdown.quit()


def test_with_a_background_phone_each_page_keeps_its_own_renderer(qapp, qtbot, tmp_path,
                                                                   sandbox):
    app, link, phone = start_with_a_background_phone(qapp, qtbot, tmp_path, sandbox,
                                                     fechar_fim=False)
    with qtbot.waitSignal(app.dialer.window_opened, timeout=20000) as opened:
        dial(app, DialRequest(ramal="4001", number="4002"))
    qtbot.waitUntil(lambda: opened.args[0].session.state == "chamando", timeout=10000)
    assert len(renderers(link.pid())) >= 2   # the all-day page shares with no call
    environ = Path(f"/proc/{link.pid()}/environ").read_bytes()
    assert b"--renderer-process-limit" not in environ
    app.shutdown.quit()


def test_a_crashed_phone_process_loses_the_call_not_the_app(qapp, qtbot, tmp_path, sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox, fechar_fim=False)
    link = app.dialer.phone_link()
    with qtbot.waitSignal(app.dialer.window_opened, timeout=20000):
        dial(app, DialRequest(ramal="4000", number="4001"))
    pid = link.pid()
    with qtbot.waitSignal(app.dialer.window_closed, timeout=10000) as closed:
        os.kill(pid, signal.SIGKILL)
    assert closed.args == ["4000"] and app.dialer.windows == {}
    assert not app.shutdown.quitting
    assert app.main_window.status_label.text() == (
        "The webphone of extension 4000 stopped working and was closed. Call again to open it.")
    with qtbot.waitSignal(app.dialer.window_opened, timeout=20000):   # the next call works
        outcomes = dial(app, DialRequest(ramal="4000", number="4002"))
    assert outcomes[0].started and link.starts == 2
    app.shutdown.quit()


def test_no_secret_reaches_the_phone_process_arguments_or_environment(qapp, qtbot, tmp_path,
                                                                      sandbox, monkeypatch):
    monkeypatch.setenv("TVDESK_TOKEN", sandbox.token)   # as if it had been left there
    app = make_app(qapp, qtbot, tmp_path, sandbox, fechar_fim=False)
    link = app.dialer.phone_link()
    with qtbot.waitSignal(app.dialer.window_opened, timeout=20000):
        dial(app, DialRequest(ramal="4000", number="4001"))
    pid = link.pid()
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    environ = Path(f"/proc/{pid}/environ").read_bytes()
    url = next(r for r in sandbox.requests if r.path.rstrip("/") == "/webphone")
    assert url is not None
    for secret in (sandbox.token.encode(), b"signature=", b"key="):
        assert secret not in cmdline and secret not in environ
    assert b"TVDESK_TOKEN" not in environ
    app.shutdown.quit()


def test_forged_events_from_the_phone_process_are_parsed_again():
    good = _event_from({"id": 1, "name": "status", "fields": {"status": "chamando"}})
    assert good is not None and good.call_state == "chamando"
    assert _event_from({"id": 1, "name": "status", "fields": {"status": "hacked"}}) is None
    assert _event_from({"id": 1, "name": "nope", "fields": {}}) is None
    assert _event_from({"id": 1, "name": "status", "fields": "x"}) is None


def test_an_api_refusal_asked_through_the_phone_process_reads_as_one_asked_here(
        qapp, qtbot, tmp_path, sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox)
    sandbox.inject_fault(path="/webphone", status=500, times=1)
    outcomes = dial(app, DialRequest(ramal="4000", number="4001"))
    qtbot.waitUntil(lambda: bool(outcomes), timeout=30000)
    assert outcomes[0].result.value == "failed" and outcomes[0].exit_code != 0
    assert "500" in outcomes[0].message or "server" in outcomes[0].message.lower()
    assert outcomes[0].message == app.main_window.status_label.text()
    assert sandbox.token not in outcomes[0].message
    # The same refusal asked in this process words it the same way.
    from tvdesk.core.errors import TvdeskError

    sandbox.inject_fault(path="/webphone", status=500, times=1)
    try:
        app.state.account.client().webphone_url(ramal="4000")
    except TvdeskError as error:
        assert error.user_message() == outcomes[0].message
    else:
        raise AssertionError("the sandbox fault should have been an error")
    app.shutdown.quit()


def test_a_phone_process_dying_during_the_url_request_fails_that_dial(qapp, qtbot, tmp_path,
                                                                     sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox)
    link = app.dialer.phone_link()
    sandbox.inject_fault(path="/webphone", status=200, delay=10, times=1)   # a slow API
    outcomes = dial(app, DialRequest(ramal="4000", number="4001"))
    qtbot.waitUntil(lambda: link.pid() is not None and alive(link.pid()), timeout=10000)
    qtbot.wait(1500)
    os.kill(link.pid(), signal.SIGKILL)
    qtbot.waitUntil(lambda: bool(outcomes), timeout=10000)
    assert outcomes[0].result.value == "failed"
    assert outcomes[0].message == "The webphone could not be started. Try again; if it " \
        "keeps failing, the log has the details."
    assert not app.dialer.busy                                   # the Call button is back
    with qtbot.waitSignal(app.dialer.window_opened, timeout=30000):   # and the next call works
        dial(app, DialRequest(ramal="4000", number="4002"))
    app.shutdown.quit()


def test_intent_while_the_process_is_quitting_starts_a_fresh_one(qapp, qtbot, tmp_path, sandbox):
    app = make_app(qapp, qtbot, tmp_path, sandbox, phone_process_linger=600)
    link = app.dialer.phone_link()
    link.ensure_running()
    qtbot.waitUntil(lambda: link.is_ready, timeout=20000)
    old = link.pid()
    link._linger_over()            # the linger ends: the process is told to quit...
    link.ensure_running()          # ...and the person opens the tray menu right then
    qtbot.waitUntil(lambda: link.is_ready, timeout=20000)
    assert link.starts == 2 and link.pid() != old
    qtbot.waitUntil(lambda: not alive(old), timeout=10000)   # the old one still went
    with qtbot.waitSignal(app.dialer.window_opened, timeout=20000):
        dial(app, DialRequest(ramal="4000", number="4001"))
    app.shutdown.quit()


def test_one_renderer_is_added_to_the_flags_unless_the_person_set_a_limit():
    assert with_one_renderer("") == "--renderer-process-limit=1"
    assert with_one_renderer("--log-level=3") == "--log-level=3 --renderer-process-limit=1"
    assert with_one_renderer("--renderer-process-limit=4 --x") == "--renderer-process-limit=4 --x"
    shared = phone_process_environment(one_renderer=True)
    assert "--renderer-process-limit=1" in shared.value("QTWEBENGINE_CHROMIUM_FLAGS").split()
    assert shared.value("TVDESK_PHONE_ONE_RENDERER") == "1"
    alone = phone_process_environment(one_renderer=False)
    assert "--renderer-process-limit" not in alone.value("QTWEBENGINE_CHROMIUM_FLAGS")
    assert not alone.contains("TVDESK_PHONE_ONE_RENDERER")
