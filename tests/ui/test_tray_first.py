"""Start-up paints the tray first: its menu is built from the settings before the
controllers that act on it exist. What the person asks of the menu in between is held
and carried out once they do, in order, once each."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal
from support.desktop import ExitRecorder

from tvdesk.app import finish_desktop, load_state, show_tray_first
from tvdesk.core.account import Account
from tvdesk.core.paths import resolve_paths
from tvdesk.core.settings import Extension, Favourite, Settings, SettingsStore
from tvdesk.core.token_store import TokenStore
from tvdesk.ui.signal_hold import SignalHold

pytestmark = pytest.mark.webengine


def webphone_calls(sandbox):
    return [r for r in sandbox.requests if r.path.rstrip("/") == "/webphone"]


def start_tray_first(qapp, tmp_path, sandbox, **values):
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    store = SettingsStore(paths.settings_file)
    values.setdefault("extensions", [Extension("4000", "Recepção"), Extension("4001", "Vendas")])
    store.save(Settings(api_base=sandbox.base_url, default_ramal="4000",
                        phone_process_linger=1, **values))
    account = Account(api_base=sandbox.base_url, token=sandbox.token, demo=False,
                      settings_store=store)
    messages, state = load_state(paths, account)
    return paths, show_tray_first(qapp, messages, state, use_tray=True)


def finish(qapp, qtbot, paths, first):
    desktop = finish_desktop(first, qapp, paths, TokenStore(environ={}), ExitRecorder())
    desktop.messages.can_ask = lambda: True
    desktop.windows.built.connect(qtbot.addWidget)
    return desktop


def menu_action(tray, name):
    return next(a for a in tray.menu.actions() if a.objectName() == name)


def test_the_tray_menu_is_complete_before_the_controllers_exist(qapp, qtbot, tmp_path, sandbox):
    paths, first = start_tray_first(qapp, tmp_path, sandbox,
                                    favourites=[Favourite("Suporte", "(48) 3283-0151")])
    texts = [a.text() for a in first.tray.menu.actions()]
    assert "Call from 4000 · Recepção  (default)" in texts
    assert "Call from 4001 · Vendas" in texts
    assert first.tray.favourites_menu.isEnabled()
    assert first.tray.icon.isVisible()
    assert first.windows.window is None   # the main window is not built for the tray
    desktop = finish(qapp, qtbot, paths, first)
    assert desktop.tray is first.tray     # the same tray, now wired
    desktop.shutdown.quit()


def test_menu_clicks_made_before_the_controllers_exist_are_carried_out_once_in_order(
        qapp, qtbot, tmp_path, sandbox):
    paths, first = start_tray_first(qapp, tmp_path, sandbox)
    # The person clicks "Call from Vendas", then a favourite, while start-up is still busy.
    menu_action(first.tray, "extension-4001").trigger()
    first.tray.quick_dial.emit("4000", "(48) 3283-0151")
    qtbot.wait(100)
    assert webphone_calls(sandbox) == []   # nothing can act on them yet...
    desktop = finish(qapp, qtbot, paths, first)
    # ...and once it can, both happen, each once (their URLs are fetched side by side, so
    # the API may see them in either order; the hold's own order is tested below).
    qtbot.waitUntil(lambda: len(webphone_calls(sandbox)) == 2, timeout=30000)
    assert sorted((c.query["ramal"], c.query.get("ligar_para") or [])
                  for c in webphone_calls(sandbox)) == [
        (["4000"], ["+554832830151"]), (["4001"], [])]
    # Later clicks go straight through, not through the hold; nothing is replayed twice.
    show = next(a for a in desktop.tray.menu.actions() if a.text() == "Open tvdesk")
    show.trigger()
    assert desktop.windows.window is not None and desktop.windows.window.isVisible()
    qtbot.wait(500)
    assert len(webphone_calls(sandbox)) == 2
    desktop.shutdown.quit()


def test_quit_from_the_menu_during_start_up_quits_once_start_up_is_done(qapp, qtbot, tmp_path,
                                                                        sandbox):
    paths, first = start_tray_first(qapp, tmp_path, sandbox)
    first.tray.quit_requested.emit()
    recorder = ExitRecorder()
    desktop = finish_desktop(first, qapp, paths, TokenStore(environ={}), recorder)
    assert desktop.shutdown.quitting and recorder.codes == [0]
    assert not desktop.tray.icon.isVisible()


class Menu(QObject):
    dial = Signal(str)
    quit = Signal()


def test_a_hold_says_again_what_it_held_in_order_then_lets_signals_through():
    menu = Menu()
    hold = SignalHold(menu)
    menu.dial.emit("4000")
    menu.quit.emit()
    menu.dial.emit("4001")
    assert hold.held == ["dial", "quit", "dial"]
    seen: list[tuple] = []
    menu.dial.connect(lambda ramal: seen.append(("dial", ramal)))
    menu.quit.connect(lambda: seen.append(("quit",)))
    assert seen == []                        # held until released
    hold.release()
    assert seen == [("dial", "4000"), ("quit",), ("dial", "4001")]
    assert hold.held == []
    menu.dial.emit("4002")                   # from now on, straight through, once
    assert seen[3:] == [("dial", "4002")]
    hold.release()                           # a second release says nothing again
    assert len(seen) == 4
