"""The main window: extensions, a number field, a Call button, and plain-words status."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tvdesk.core.dialing import NUMBER_TOPIC
from tvdesk.core.errors import InvalidPhoneNumberError
from tvdesk.core.history import CallRecord
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import normalize
from tvdesk.core.settings import Favourite, Settings
from tvdesk.phone.panel_host import EmbeddedPanel
from tvdesk.ui.icons import app_icon
from tvdesk.ui.plain_text import plain_label
from tvdesk.ui.quick_dial_text import favourite_text, recent_text

RAMAL_ROLE = Qt.ItemDataRole.UserRole


class MainWindow(QWidget):
    call_requested = Signal(str, str)   # ramal, number text ("" = none)
    open_settings = Signal()
    enter_token = Signal()
    import_extensions = Signal()
    close_requested = Signal()          # closing: hide (tray) or quit (no tray) is the owner's call
    quick_dial_requested = Signal(str, str)   # ramal, number
    redial_requested = Signal()
    clear_history_requested = Signal()
    show_about = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.region = "BR"
        self._quick_dial: tuple[list, list, str] = ([], [], "BR")
        self.setMinimumSize(360, 420)

        self.demo_banner = QFrame()
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setStyleSheet(
            "#demoBanner { background: #fff3e0; border: 1px solid #e8710a; border-radius: 6px; }")
        banner_layout = QHBoxLayout(self.demo_banner)
        self.demo_label = plain_label(wrap=True)
        self.token_button = QPushButton(_("Enter &Access-Token…"))
        self.token_button.setObjectName("tokenButton")
        self.token_button.clicked.connect(self.enter_token.emit)
        banner_layout.addWidget(self.demo_label, 1)
        banner_layout.addWidget(self.token_button)

        self.extension_list = QListWidget()
        self.extension_list.setObjectName("extensionList")
        self.extension_list.itemDoubleClicked.connect(lambda _item: self._request_call())

        self.number_edit = QLineEdit()
        self.number_edit.setObjectName("numberEdit")
        self.number_edit.setPlaceholderText(_("Number to call (optional), e.g. (48) 3283-0151"))
        self.number_edit.setClearButtonEnabled(True)
        self.number_edit.textChanged.connect(self._preview_number)
        self.number_edit.returnPressed.connect(self._request_call)
        self.number_preview = plain_label()
        self.number_preview.setObjectName("numberPreview")

        self.call_button = QPushButton(_("Call"))
        self.call_button.setObjectName("callButton")
        self.call_button.setDefault(True)
        self.call_button.clicked.connect(self._request_call)

        self.status_label = plain_label(wrap=True)
        self.status_label.setObjectName("statusLabel")
        self._status_topic = ""
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentList")
        self.recent_list.itemActivated.connect(self._dial_recent)
        self.favourites_list = QListWidget()
        self.favourites_list.setObjectName("favouritesList")
        self.favourites_list.itemActivated.connect(self._dial_favourite)
        self.quick_tabs = QTabWidget()
        self.quick_tabs.setObjectName("quickTabs")
        recent_page = QWidget()
        recent_layout = QVBoxLayout(recent_page)
        recent_layout.setContentsMargins(0, 0, 0, 0)
        recent_layout.addWidget(self.recent_list)
        recent_buttons = QHBoxLayout()
        self.redial_button = QPushButton(_("Redial last"))
        self.redial_button.setObjectName("redialButton")
        self.redial_button.clicked.connect(self.redial_requested.emit)
        self.clear_history_button = QPushButton(_("Clear history"))
        self.clear_history_button.setObjectName("clearHistoryButton")
        self.clear_history_button.clicked.connect(self.clear_history_requested.emit)
        recent_buttons.addWidget(self.redial_button)
        recent_buttons.addStretch(1)
        recent_buttons.addWidget(self.clear_history_button)
        recent_layout.addLayout(recent_buttons)
        self.quick_tabs.addTab(recent_page, _("Recent calls"))
        self.quick_tabs.addTab(self.favourites_list, _("Favourites"))

        settings_button = QPushButton(_("&Settings…"))
        settings_button.setObjectName("settingsButton")
        settings_button.clicked.connect(self.open_settings.emit)
        self.import_button = QPushButton(_("Import from account"))
        self.import_button.setObjectName("importButton")
        self.import_button.clicked.connect(self.import_extensions.emit)

        number_row = QHBoxLayout()
        number_row.addWidget(self.number_edit, 1)
        number_row.addWidget(self.call_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.import_button)
        about_button = QPushButton(_("About"))
        about_button.setObjectName("aboutButton")
        about_button.clicked.connect(self.show_about.emit)
        buttons.addWidget(about_button)
        buttons.addStretch(1)
        buttons.addWidget(settings_button)

        self.embedded_panel = EmbeddedPanel(QDesktopServices.openUrl, self)
        self.embedded_panel.setVisible(False)
        left = QWidget(self)
        outer = QHBoxLayout(self)
        outer.addWidget(left, 1)
        outer.addWidget(self.embedded_panel, 1)
        layout = QVBoxLayout(left)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.demo_banner)
        layout.addWidget(plain_label(_("Extensions")))
        layout.addWidget(self.extension_list, 1)
        layout.addLayout(number_row)
        layout.addWidget(self.number_preview)
        layout.addWidget(self.quick_tabs, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

    # --- state from the owner -------------------------------------------------------

    def apply(self, settings: Settings, demo: bool, has_token: bool) -> None:
        self.region = settings.region
        self.setWindowIcon(app_icon(demo))
        self.setWindowTitle(_("tvdesk — demo (sandbox)") if demo else "tvdesk")
        self.demo_banner.setVisible(demo or not has_token)
        self.demo_label.setText(
            _("Demo mode: calls go to the built-in sandbox, not to a real phone line.") if demo
            else _("No Access-Token is set up yet."))
        selected = self.selected_ramal()
        self.extension_list.clear()
        default = settings.default_extension()
        for extension in settings.extensions:
            text = extension.display_name()
            if default is not None and extension.ramal == default.ramal:
                text += "  ★ " + _("default")
            item = QListWidgetItem(text)
            item.setData(RAMAL_ROLE, extension.ramal)
            self.extension_list.addItem(item)
            if extension.ramal == (selected or (default.ramal if default else None)):
                self.extension_list.setCurrentItem(item)
        self.embedded_panel.setVisible(any(e.tipo == "embedded" for e in settings.extensions))
        has_extensions = bool(settings.extensions)
        self.call_button.setEnabled(has_extensions)
        if not has_extensions:
            self.show_status(_("No extensions yet: import them from the account or add one in "
                               "Settings."), error=False)

    def show_quick_dial(self, favourites: list[Favourite], recent: list[CallRecord],
                        region: str = "BR") -> None:
        self._quick_dial = (favourites, recent, region)
        if self.isVisible():
            self._fill_quick_dial()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fill_quick_dial()   # filled when seen: the tray comes up without the work

    def _fill_quick_dial(self) -> None:
        favourites, recent, region = self._quick_dial
        self.recent_list.clear()
        for record in recent:
            item = QListWidgetItem(recent_text(record))
            item.setData(RAMAL_ROLE, (record.ramal, record.number))
            self.recent_list.addItem(item)
        self.redial_button.setEnabled(bool(recent))
        self.clear_history_button.setEnabled(bool(recent))
        self.favourites_list.clear()
        for favourite in favourites:
            item = QListWidgetItem(favourite_text(favourite.name, favourite.number, region))
            item.setData(RAMAL_ROLE, favourite.number)
            self.favourites_list.addItem(item)

    def _dial_recent(self, item: QListWidgetItem) -> None:
        ramal, number = item.data(RAMAL_ROLE)
        self.quick_dial_requested.emit(ramal, number)

    def _dial_favourite(self, item: QListWidgetItem) -> None:
        # A favourite is called from the extension picked above (or the default).
        self.quick_dial_requested.emit(self.selected_ramal() or "", item.data(RAMAL_ROLE))

    def restore_geometry_from(self, geometry: str) -> None:
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode()))

    def geometry_text(self) -> str:
        return bytes(self.saveGeometry().toBase64().data()).decode()

    def selected_ramal(self) -> str | None:
        item = self.extension_list.currentItem()
        return item.data(RAMAL_ROLE) if item is not None else None

    def show_status(self, text: str, error: bool, topic: str = "") -> None:
        self._status_topic = topic
        self.status_label.setStyleSheet("color: #b00020;" if error else "")
        self.status_label.setText(text)

    def clear_status(self, topic: str) -> None:
        """Take back the status line when it is about something that is over."""
        if topic and topic == self._status_topic:
            self.show_status("", False)

    def set_busy(self, busy: bool) -> None:
        self.call_button.setEnabled(not busy and self.extension_list.count() > 0)

    # --- person's actions ------------------------------------------------------------

    def _preview_number(self, text: str) -> None:
        self.clear_status(NUMBER_TOPIC)   # an error about the number typed before is stale now
        if not text.strip():
            self.number_preview.clear()
            return
        try:
            target = normalize(text, self.region)
        except InvalidPhoneNumberError as error:
            self.number_preview.setStyleSheet("color: #b00020;")
            self.number_preview.setText(error.user_message())
            return
        self.number_preview.setStyleSheet("color: #2e7d32;")
        self.number_preview.setText(_("Will dial {number}", number=target.display))

    def _request_call(self) -> None:
        ramal = self.selected_ramal()
        if ramal is None:
            self.show_status(_("Pick an extension first."), error=True)
            return
        self.call_requested.emit(ramal, self.number_edit.text().strip())



    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.close_requested.emit()
