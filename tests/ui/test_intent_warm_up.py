"""The web engine starts when the person shows they are about to call, never at start.

Each sign of intent is sent to a freshly composed app whose `warm_up` only counts (the
real engine is started by test_desktop_app's warm-up test): one warm-up per sign, none at
start, none with the `warm_engine` setting off.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from support.desktop import ask_later, compose_for_account

import tvdesk.app as app_module

NUMBER = "(48) 3283-0151"


def _counting(desktop) -> list[int]:
    warmed: list[int] = []
    desktop.dialer.warm_up = lambda: warmed.append(1)   # the wiring looks it up at call time
    return warmed


def _started(qapp, qtbot, tmp_path, sandbox, **settings):
    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", sandbox,
                                  default_ramal="4000", **settings)
    warmed = _counting(desktop)
    desktop.show_main_window()          # what a plain `tvdesk` start does: not intent
    qtbot.wait(300)                     # the first turn (_after_start) and then some
    return desktop, warmed


def _tray_menu(desktop, qtbot):
    desktop.tray.menu.aboutToShow.emit()


def _tray_click(desktop, qtbot):
    desktop.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)


def _open_tvdesk(desktop, qtbot):
    desktop.tray.show_main.emit()       # the menu's "Open tvdesk"


def _second_start(desktop, qtbot):
    replies = ask_later(desktop, {"command": "show"})
    assert replies == [{"ok": True}]


def _number_copied(desktop, qtbot):
    QApplication.clipboard().setText(NUMBER)


def _hotkey(desktop, qtbot):
    QApplication.clipboard().setText("no number here")
    desktop.hotkey.triggered.emit()


def _tvdesk_dial(desktop, qtbot):
    # A number that cannot be called: the request is refused, but it was a sign all the same.
    ask_later(desktop, {"command": "dial", "number": "not a number", "source": "cli"})


def _link(desktop, qtbot):
    ask_later(desktop, {"command": "dial", "number": "tel:not-a-number", "source": "link"})


INTENTS = [_tray_menu, _tray_click, _open_tvdesk, _second_start, _number_copied, _hotkey,
           _tvdesk_dial, _link]


def test_nothing_is_warmed_at_start_even_with_the_setting_on(qapp, qtbot, tmp_path, sandbox):
    desktop, warmed = _started(qapp, qtbot, tmp_path, sandbox, warm_engine=True)
    qtbot.wait(app_module.INTENT_WARM_UP_DELAY_MS + 1500)   # longer than the old 1.5 s delay
    assert warmed == []
    desktop.shutdown.quit()


def test_a_number_already_on_the_clipboard_at_start_is_no_sign(qapp, qtbot, tmp_path, sandbox):
    QApplication.clipboard().setText(NUMBER)
    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", sandbox,
                                  default_ramal="4000", warm_engine=True)
    QApplication.clipboard().setText(NUMBER)   # compose_for_account empties it; copy it back
    warmed = _counting(desktop)
    qtbot.waitUntil(lambda: desktop.quick_dial.clipboard_target is not None, timeout=3000)
    qtbot.wait(300)
    assert warmed == []
    desktop.shutdown.quit()


@pytest.mark.parametrize("intent", INTENTS, ids=lambda f: f.__name__.strip("_"))
def test_each_sign_of_intent_warms_the_engine_once(qapp, qtbot, tmp_path, sandbox, intent):
    desktop, warmed = _started(qapp, qtbot, tmp_path, sandbox, warm_engine=True)
    assert warmed == []
    intent(desktop, qtbot)
    qtbot.waitUntil(lambda: warmed == [1], timeout=3000)
    qtbot.wait(300)
    assert warmed == [1]
    desktop.messages.can_ask = lambda: False
    desktop.shutdown.quit()


@pytest.mark.parametrize("intent", INTENTS, ids=lambda f: f.__name__.strip("_"))
def test_with_the_setting_off_nothing_warms(qapp, qtbot, tmp_path, sandbox, intent):
    desktop, warmed = _started(qapp, qtbot, tmp_path, sandbox, warm_engine=False)
    intent(desktop, qtbot)
    qtbot.wait(app_module.INTENT_WARM_UP_DELAY_MS + 300)
    assert warmed == []
    desktop.shutdown.quit()


def test_with_the_phone_process_the_engine_starts_before_the_window_asked_for_is_built(
        qapp, qtbot, tmp_path, sandbox):
    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", sandbox,
                                  default_ramal="4000", warm_engine=True, phone_process=True)
    qtbot.wait(300)   # past the start's first turn
    order: list[str] = []
    desktop.dialer.warm_up = lambda: order.append("phone process started")
    desktop.windows.built.connect(lambda _window: order.append("main window built"))
    assert desktop.windows.window is None
    replies = ask_later(desktop, {"command": "show"})   # a second `tvdesk` start
    assert replies == [{"ok": True}]
    # Synchronously, first: the phone process gets the time the window takes to build.
    assert order == ["phone process started", "main window built"]
    desktop.shutdown.quit()
