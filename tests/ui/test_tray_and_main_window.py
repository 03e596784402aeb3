"""The tray menu and the main window, built from settings, driven like a person would."""

from PySide6.QtCore import Qt

from tvdesk.core.settings import Extension, Settings
from tvdesk.ui.main_window import MainWindow
from tvdesk.ui.tray import TrayController


def three_extensions() -> Settings:
    return Settings(extensions=[Extension("4000", "Recepção"), Extension("4001", "Vendas"),
                                Extension("4002")], default_ramal="4001")


def menu_texts(tray):
    return [action.text() for action in tray.menu.actions() if not action.isSeparator()]


def extension_actions(tray):
    return [a for a in tray.menu.actions() if a.objectName().startswith("extension-")]


def test_tray_menu_lists_extensions_with_the_default_marked(qtbot):
    tray = TrayController()
    tray.rebuild(three_extensions(), demo=False, has_token=True)
    texts = menu_texts(tray)
    assert texts[0] == "Call the number on the clipboard"      # the clipboard entry leads
    assert [a.text() for a in extension_actions(tray)] == [
        "Call from 4000 · Recepção", "Call from 4001 · Vendas  (default)", "Call from 4002"]
    assert texts[-3:] == ["Settings…", "About tvdesk", "Quit"]
    assert [a.font().bold() for a in extension_actions(tray)] == [False, True, False]
    with qtbot.waitSignal(tray.dial_extension) as dialled:
        extension_actions(tray)[2].trigger()
    assert dialled.args == ["4002"]
    with qtbot.waitSignal(tray.quit_requested):
        tray.menu.actions()[-1].trigger()


def test_tray_menu_in_demo_mode_says_so_and_offers_the_token(qtbot):
    tray = TrayController()
    tray.rebuild(three_extensions(), demo=True, has_token=True)
    texts = menu_texts(tray)
    assert texts[0] == "Demo mode: calls go to the sandbox"
    assert not tray.menu.actions()[0].isEnabled()
    assert "Enter Access-Token…" in texts
    assert "demo" in tray.icon.toolTip()


def test_tray_menu_without_extensions(qtbot):
    tray = TrayController()
    tray.rebuild(Settings(), demo=False, has_token=True)
    empty = [a for a in tray.menu.actions() if a.text() == "No extensions configured"]
    assert len(empty) == 1 and not empty[0].isEnabled()
    assert extension_actions(tray) == []


def test_main_window_calls_the_selected_extension_with_the_typed_number(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.apply(three_extensions(), demo=False, has_token=True)
    assert window.selected_ramal() == "4001"          # the default is preselected
    assert not window.demo_banner.isVisibleTo(window)
    qtbot.keyClicks(window.number_edit, "(48) 3283-0151")
    assert window.number_preview.text() == "Will dial (48) 3283-0151"
    with qtbot.waitSignal(window.call_requested) as call:
        qtbot.mouseClick(window.call_button, Qt.MouseButton.LeftButton)
    assert call.args == ["4001", "(48) 3283-0151"]


def test_main_window_explains_a_bad_number_while_typing(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.apply(three_extensions(), demo=False, has_token=True)
    qtbot.keyClicks(window.number_edit, "11 9876A-4321")
    assert "letters" in window.number_preview.text()


def test_main_window_demo_banner_and_no_extensions(qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.apply(Settings(), demo=True, has_token=True)
    assert window.demo_banner.isVisibleTo(window)
    assert "Demo mode" in window.demo_label.text()
    assert not window.call_button.isEnabled()
    assert "No extensions" in window.status_label.text()
    with qtbot.waitSignal(window.enter_token):
        qtbot.mouseClick(window.token_button, Qt.MouseButton.LeftButton)


def test_every_tray_state_has_a_distinct_icon(qtbot):
    from tvdesk.ui.icons import STATUS_COLOURS, resources_dir, status_icon

    images = set()
    for status in ["idle", *STATUS_COLOURS]:
        icon = status_icon(False, status)
        assert not icon.isNull()
        images.add(icon.pixmap(32, 32).toImage().bits().tobytes())
        if status != "idle":
            assert (resources_dir() / "icons" / f"tvdesk-{status.replace('_', '-')}.svg").exists()
    assert len(images) == len(STATUS_COLOURS) + 1
    tray = TrayController()
    tray.rebuild(three_extensions(), demo=False, has_token=True)
    tray.set_status("in_call")
    assert tray.icon.toolTip() == "tvdesk · in call"
