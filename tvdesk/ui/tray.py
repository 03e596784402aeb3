"""The tray icon and its menu, rebuilt from the settings whenever they change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from tvdesk.core.history import CallRecord
from tvdesk.core.i18n import _
from tvdesk.core.settings import Settings
from tvdesk.ui.icons import status_icon

if TYPE_CHECKING:
    from tvdesk.core.phone_numbers import DialTarget


class TrayController(QObject):
    dial_extension = Signal(str)   # ramal
    show_main = Signal()
    open_settings = Signal()
    enter_token = Signal()
    quit_requested = Signal()
    dial_clipboard = Signal()
    redial_last = Signal()
    clear_history = Signal()
    quick_dial = Signal(str, str)  # ramal ("" = default), number
    dnd_toggled = Signal(bool)
    show_call_bar = Signal(str)    # ramal of a hidden extension
    show_about = Signal()
    simulate_incoming = Signal()   # demo only: the sandbox rings a background phone

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(parent)
        self.menu = QMenu()
        self.icon.setContextMenu(self.menu)
        self.recent_menu = QMenu(self.menu)
        self.recent_menu.setObjectName("recentMenu")
        self.favourites_menu = QMenu(self.menu)
        self.favourites_menu.setObjectName("favouritesMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.favourites_menu.aboutToShow.connect(self._fill_favourites)
        self._recent: list[CallRecord] = []
        self._settings = Settings()
        self.icon.activated.connect(self._on_activated)
        self.clipboard_action = QAction(self)
        self.clipboard_action.setObjectName("clipboardAction")
        self.clipboard_action.triggered.connect(self.dial_clipboard.emit)
        self.set_clipboard_target(None)
        self.dnd_action = QAction(_("Do not disturb"), self)
        self.dnd_action.setObjectName("dndAction")
        self.dnd_action.setCheckable(True)
        self.dnd_action.toggled.connect(self.dnd_toggled.emit)
        self._demo = False
        self._status = "idle"

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def set_clipboard_target(self, target: DialTarget | None) -> None:
        """The first entry follows the clipboard: "Call (48) 3283-0151", or disabled."""
        if target is None:
            self.clipboard_action.setText(_("Call the number on the clipboard"))
            self.clipboard_action.setEnabled(False)
        else:
            self.clipboard_action.setText(_("Call {number}", number=target.display))
            self.clipboard_action.setEnabled(True)

    def set_status(self, status: str) -> None:
        """idle, connected, connecting, in_call, disconnected, error or dnd."""
        self._status = status
        self.icon.setIcon(status_icon(self._demo, status))
        words = {"connected": _("connected"), "connecting": _("connecting…"),
                 "in_call": _("in call"), "disconnected": _("disconnected"),
                 "error": _("connection error"), "dnd": _("do not disturb")}.get(status)
        base = _("tvdesk — demo (sandbox)") if self._demo else "tvdesk"
        self.icon.setToolTip(f"{base} · {words}" if words else base)

    def rebuild(self, settings: Settings, demo: bool, has_token: bool,
                recent: list[CallRecord] | None = None,
                clipboard: DialTarget | None = None) -> None:
        self._demo = demo
        self.set_status(self._status)
        self.menu.clear()   # the submenus are kept and refilled: no objects pile up
        if demo:
            banner = self.menu.addAction(_("Demo mode: calls go to the sandbox"))
            banner.setEnabled(False)
            simulate = self.menu.addAction(_("Simulate an incoming call"))
            simulate.setObjectName("simulateIncomingAction")
            simulate.triggered.connect(self.simulate_incoming.emit)
            self.menu.addSeparator()
        self.set_clipboard_target(clipboard)
        self.menu.addAction(self.clipboard_action)
        self._add_quick_dial(settings, recent or [])
        self.menu.addSeparator()
        default = settings.default_extension()
        if not settings.extensions:
            empty = self.menu.addAction(_("No extensions configured"))
            empty.setEnabled(False)
        for extension in settings.extensions:
            text = _("Call from {extension}", extension=extension.display_name())
            if default is not None and extension.ramal == default.ramal:
                text += "  " + _("(default)")
            action: QAction = self.menu.addAction(text)
            action.setObjectName(f"extension-{extension.ramal}")
            if default is not None and extension.ramal == default.ramal:
                font = QFont(action.font())
                font.setBold(True)
                action.setFont(font)
            action.triggered.connect(lambda _=False, r=extension.ramal: self.dial_extension.emit(r))
        hidden = [e for e in settings.extensions if e.tipo == "hidden"]
        for extension in hidden:
            action = self.menu.addAction(_("Call controls of {extension}",
                                           extension=extension.display_name()))
            action.triggered.connect(
                lambda _=False, r=extension.ramal: self.show_call_bar.emit(r))
        if hidden:
            self.dnd_action.blockSignals(True)
            self.dnd_action.setChecked(settings.do_not_disturb)
            self.dnd_action.blockSignals(False)
            self.menu.addAction(self.dnd_action)
        self.menu.addSeparator()
        self.menu.addAction(_("Open tvdesk"), self.show_main.emit)
        if demo or not has_token:
            self.menu.addAction(_("Enter Access-Token…"), self.enter_token.emit)
        self.menu.addAction(_("Settings…"), self.open_settings.emit)
        self.menu.addAction(_("About tvdesk"), self.show_about.emit)
        self.menu.addSeparator()
        self.menu.addAction(_("Quit"), self.quit_requested.emit)

    def _add_quick_dial(self, settings: Settings, recent: list[CallRecord]) -> None:
        if recent:
            last = recent[0]
            redial = self.menu.addAction(_("Redial {number}", number=last.display))
            redial.setObjectName("redialAction")
            redial.triggered.connect(self.redial_last.emit)
        # The submenus are filled when they open: formatting 20 favourites is not work
        # the tray should do before it appears.
        self._recent, self._settings = recent, settings
        self.recent_menu.setTitle(_("Recent calls"))
        self.recent_menu.setEnabled(bool(recent))
        self.menu.addMenu(self.recent_menu)
        self.favourites_menu.setTitle(_("Favourites"))
        self.favourites_menu.setEnabled(bool(settings.favourites))
        self.menu.addMenu(self.favourites_menu)

    def _fill_recent(self) -> None:
        from tvdesk.ui.quick_dial_text import recent_text  # when the submenu opens

        self.recent_menu.clear()
        for record in self._recent:
            action = self.recent_menu.addAction(recent_text(record))
            action.triggered.connect(
                lambda _=False, r=record: self.quick_dial.emit(r.ramal, r.number))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction(_("Clear history"), self.clear_history.emit)

    def _fill_favourites(self) -> None:
        from tvdesk.ui.quick_dial_text import favourite_text  # when the submenu opens

        self.favourites_menu.clear()
        settings = self._settings
        for favourite in settings.favourites:
            action = self.favourites_menu.addAction(
                favourite_text(favourite.name, favourite.number, settings.region))
            action.triggered.connect(
                lambda _=False, f=favourite: self.quick_dial.emit("", f.number))

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def notify(self, text: str, error: bool) -> bool:
        """A tray balloon; False when the platform cannot show one."""
        if not (self.icon.isVisible() and QSystemTrayIcon.supportsMessages()):
            return False
        kind = QSystemTrayIcon.MessageIcon.Warning if error else QSystemTrayIcon.MessageIcon.Information
        self.icon.showMessage("tvdesk", text, kind, 6000)
        return True

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger,
                      QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_main.emit()
