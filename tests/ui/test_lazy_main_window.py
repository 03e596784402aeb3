"""The main window is built the first time it is needed, not at start: a tvdesk started
minimized waits in the tray without it, and still does everything from the tray. Once
built, it shows what it would have shown had it been there all along."""

from __future__ import annotations

import pytest
from support.desktop import compose_for_account, dial

from tvdesk.core.dialing import DialRequest
from tvdesk.core.settings import Extension, Favourite

pytestmark = pytest.mark.webengine


def make_app(qapp, qtbot, tmp_path, sandbox, **settings):
    settings.setdefault("extensions", [Extension("4000", "Recepção"), Extension("4001", "Vendas")])
    settings.setdefault("default_ramal", "4000")
    settings.setdefault("phone_process_linger", 1)
    desktop = compose_for_account(qapp, qtbot, tmp_path / "home", sandbox, **settings)
    qtbot.wait(200)   # start-up's second phase (after the first event-loop turn)
    return desktop


def test_a_minimized_start_calls_from_the_tray_without_building_the_window(qapp, qtbot,
                                                                           tmp_path, sandbox):
    desktop = make_app(qapp, qtbot, tmp_path, sandbox,
                       favourites=[Favourite("Suporte", "(48) 3283-0151")])
    assert desktop.windows.window is None
    tray_texts = [action.text() for action in desktop.tray.menu.actions()]
    assert any("4000" in text for text in tray_texts)
    for _round in range(2):
        with qtbot.waitSignal(desktop.dialer.window_closed, timeout=30000):
            desktop.tray.quick_dial.emit("4001", "(48) 3283-0151")   # a tray favourite
        assert desktop.windows.window is None                 # still only the tray
    # Settings change while the window does not exist yet...
    desktop.state.settings.favourites.append(Favourite("Vendas", "4001"))
    desktop.state.settings_edited()
    # ...then the person opens it: built now, showing the present state.
    desktop.tray.show_main.emit()
    window = desktop.windows.window
    assert window is not None and window.isVisible()
    assert window.extension_list.count() == 2
    assert window.favourites_list.count() == 2
    assert window.status_label.text() == "The webphone of extension 4001 was closed."
    assert window.call_button.isEnabled()
    # The built window is the app's window from now on, wired like one built at start.
    with qtbot.waitSignal(desktop.dialer.window_opened, timeout=30000):
        window.number_edit.setText("4002")
        window.call_button.click()
    assert desktop.windows.get() is window
    desktop.shutdown.quit()


def test_an_embedded_call_builds_the_window_it_needs(qapp, qtbot, tmp_path, sandbox):
    desktop = make_app(qapp, qtbot, tmp_path, sandbox, phone_process=False,
                       extensions=[Extension("4001", "Vendas", tipo="embedded")],
                       default_ramal="4001")
    assert desktop.windows.window is None
    outcomes = dial(desktop, DialRequest(ramal="4001", number="4002"))
    qtbot.waitUntil(lambda: desktop.windows.window is not None
                    and desktop.windows.window.isVisible(), timeout=20000)
    panel = desktop.windows.window.embedded_panel
    assert outcomes and outcomes[0].started and not panel.is_idle()
    with qtbot.waitSignal(panel.returned_to_idle, timeout=30000):
        pass
    desktop.shutdown.quit()


def test_a_dialog_from_the_tray_gets_the_window_as_its_parent(qapp, qtbot, tmp_path, sandbox):
    from PySide6.QtWidgets import QApplication

    from tvdesk.ui.settings_dialog import SettingsDialog

    desktop = make_app(qapp, qtbot, tmp_path, sandbox)
    desktop.tray.open_settings.emit()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, SettingsDialog)
               and w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].parent() is desktop.windows.window
    assert not desktop.windows.window.isVisible()   # built to own the dialog, not shown
    dialogs[0].reject()
    desktop.shutdown.quit()
