"""Settings: API address, extensions (with the default), webphone type and auto-close."""

from __future__ import annotations

import copy

import phonenumbers
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tvdesk.core.api import normalize_base_url
from tvdesk.core.errors import InvalidInputError, InvalidPhoneNumberError, TvdeskError
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import normalize
from tvdesk.core.settings import (
    OPTION,
    DndAction,
    Extension,
    Favourite,
    Settings,
    WebphoneType,
    is_valid_ramal,
)
from tvdesk.integration.autostart import Autostart, AutostartError
from tvdesk.ui.hotkey import hotkey_support
from tvdesk.ui.plain_text import plain_label
from tvdesk.ui.token_dialog import api_base_combo, combo_api_base


def label_of(key: str) -> str:
    """A setting's words, from the settings schema (one place for every setting)."""
    label = OPTION[key].label
    assert label is not None, f"setting {key} has no label in the schema"
    return label()


def bounds_of(key: str) -> tuple[int, int]:
    bounds = OPTION[key].bounds
    assert bounds is not None, f"setting {key} has no bounds in the schema"
    return bounds


class SettingsDialog(QDialog):
    settings_accepted = Signal(object)   # a new Settings
    change_token = Signal()
    forget_token = Signal()
    import_extensions = Signal()

    def __init__(self, settings: Settings, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings — tvdesk"))
        self.resize(560, 720)
        self._settings = copy.deepcopy(settings)

        self.api_combo = api_base_combo(settings.api_base)
        self.api_combo.setEnabled(not demo)
        self.tipo_combo = QComboBox()
        self.tipo_combo.setObjectName("tipoCombo")
        for tipo in WebphoneType:
            self.tipo_combo.addItem(tipo.label(), tipo.value)
        self.tipo_combo.setCurrentIndex(self.tipo_combo.findData(settings.tipo))
        self.fechar_fim_check = QCheckBox(label_of("fechar_fim"))
        self.fechar_fim_check.setObjectName("fecharFimCheck")
        self.fechar_fim_check.setChecked(settings.fechar_fim)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("extensionTable")
        self.table.setHorizontalHeaderLabels([_("Extension"), _("Label"), _("Webphone")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents)
        for extension in settings.extensions:
            self._append_row(extension.ramal, extension.label, extension.tipo)
        self.default_combo = QComboBox()
        self.default_combo.setObjectName("defaultCombo")
        self._refresh_default_choices(settings.default_ramal)
        self.table.itemChanged.connect(lambda _item: self._refresh_default_choices(
            self.default_combo.currentData()))

        add = QPushButton(_("Add"))
        add.clicked.connect(self._add_row)
        remove = QPushButton(_("Remove"))
        remove.clicked.connect(self._remove_row)
        import_button = QPushButton(_("Import from account"))
        import_button.clicked.connect(self.import_extensions.emit)
        token_button = QPushButton(_("Change Access-Token…"))
        token_button.clicked.connect(self.change_token.emit)
        forget_button = QPushButton(_("&Forget Access-Token"))
        forget_button.clicked.connect(self.forget_token.emit)
        token_button.setEnabled(True)
        forget_button.setEnabled(not demo)

        self.region_combo = QComboBox()
        self.region_combo.setObjectName("regionCombo")
        for region in sorted(phonenumbers.SUPPORTED_REGIONS):
            self.region_combo.addItem(region, region)
        self.region_combo.setCurrentIndex(self.region_combo.findData(settings.region))
        self.confirm_check = QCheckBox(label_of("confirm_external_dials"))
        self.confirm_check.setObjectName("confirmCheck")
        self.confirm_check.setChecked(settings.confirm_external_dials)
        self.history_spin = QSpinBox()
        self.history_spin.setObjectName("historySpin")
        self.history_spin.setRange(*bounds_of("history_limit"))
        self.history_spin.setValue(settings.history_limit)

        self.favourites_table = QTableWidget(0, 2)
        self.favourites_table.setObjectName("favouritesTable")
        self.favourites_table.setHorizontalHeaderLabels([_("Name"), _("Number")])
        self.favourites_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch)
        self.favourites_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents)
        for favourite in settings.favourites:
            self._append_favourite(favourite.name, favourite.number)
        add_favourite = QPushButton(_("Add"))
        add_favourite.clicked.connect(lambda: self._append_favourite("", ""))
        remove_favourite = QPushButton(_("Remove"))
        remove_favourite.clicked.connect(lambda: self.favourites_table.removeRow(
            self.favourites_table.currentRow()))

        self.hotkey_check = QCheckBox(label_of("hotkey_enabled"))
        self.hotkey_check.setObjectName("hotkeyCheck")
        self.hotkey_check.setChecked(settings.hotkey_enabled)
        self.hotkey_edit = QKeySequenceEdit(QKeySequence(settings.hotkey))
        self.hotkey_edit.setObjectName("hotkeyEdit")
        self.hotkey_note = plain_label(wrap=True)
        self.hotkey_note.setObjectName("hotkeyNote")
        support = hotkey_support()
        if not support.available:
            self.hotkey_check.setEnabled(False)
            self.hotkey_edit.setEnabled(False)
            self.hotkey_note.setText(support.reason)

        self.autostart_check = QCheckBox(_("Open tvdesk at login"))
        self.autostart_check.setObjectName("autostartCheck")
        self.warm_check = QCheckBox(label_of("warm_engine"))
        self.warm_check.setObjectName("warmCheck")
        self.warm_check.setChecked(settings.warm_engine)
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        for value, text in (("auto", _("Automatic (system)")), ("pt_BR", "Português (Brasil)"),
                            ("en", "English")):
            self.language_combo.addItem(text, value)
        self.language_combo.setCurrentIndex(max(self.language_combo.findData(settings.language), 0))
        self.language_combo.setToolTip(
            _("Language changes take effect the next time tvdesk starts."))

        self.dnd_combo = QComboBox()
        self.dnd_combo.setObjectName("dndCombo")
        self.dnd_combo.addItem(_("decline them"), DndAction.DECLINE.value)
        self.dnd_combo.addItem(_("let them ring out unanswered"), DndAction.IGNORE.value)
        self.dnd_combo.setCurrentIndex(max(self.dnd_combo.findData(settings.dnd_action), 0))

        self.error_label = plain_label(wrap=True)
        self.error_label.setObjectName("settingsError")
        self.error_label.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(label_of("api_base"), self.api_combo)
        form.addRow(label_of("tipo"), self.tipo_combo)
        form.addRow("", self.fechar_fim_check)
        form.addRow(label_of("default_ramal"), self.default_combo)
        form.addRow(label_of("region"), self.region_combo)
        form.addRow("", self.confirm_check)
        form.addRow(label_of("history_limit"), self.history_spin)
        form.addRow(label_of("dnd_action"), self.dnd_combo)
        form.addRow(label_of("language"), self.language_combo)
        form.addRow("", self.autostart_check)
        form.addRow("", self.warm_check)
        hotkey_row = QHBoxLayout()
        hotkey_row.addWidget(self.hotkey_check)
        hotkey_row.addWidget(self.hotkey_edit)
        form.addRow("", hotkey_row)
        form.addRow("", self.hotkey_note)
        row = QHBoxLayout()
        for button in (add, remove, import_button):
            row.addWidget(button)
        row.addStretch(1)
        token_row = QHBoxLayout()
        token_row.addWidget(token_button)
        token_row.addWidget(forget_button)
        token_row.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Extensions")))
        layout.addWidget(self.table, 1)
        layout.addLayout(row)
        layout.addWidget(QLabel(_("Favourites")))
        layout.addWidget(self.favourites_table, 1)
        favourite_row = QHBoxLayout()
        favourite_row.addWidget(add_favourite)
        favourite_row.addWidget(remove_favourite)
        favourite_row.addStretch(1)
        layout.addLayout(favourite_row)
        layout.addLayout(token_row)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _append_row(self, ramal: str, label: str, tipo: str = "floating") -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(ramal))
        self.table.setItem(row, 1, QTableWidgetItem(label))
        chooser = QComboBox()
        for choice in WebphoneType:
            chooser.addItem(choice.label(), choice.value)
        chooser.setCurrentIndex(max(chooser.findData(str(tipo)), 0))
        self.table.setCellWidget(row, 2, chooser)

    def _row_tipo(self, row: int) -> WebphoneType:
        chooser = self.table.cellWidget(row, 2)   # the QComboBox _append_row put there
        if not isinstance(chooser, QComboBox):
            return WebphoneType.FLOATING
        return WebphoneType(chooser.currentData())

    def _append_favourite(self, name: str, number: str) -> None:
        row = self.favourites_table.rowCount()
        self.favourites_table.insertRow(row)
        self.favourites_table.setItem(row, 0, QTableWidgetItem(name))
        self.favourites_table.setItem(row, 1, QTableWidgetItem(number))

    def _favourites(self, region: str) -> list[Favourite]:
        favourites = []
        for row in range(self.favourites_table.rowCount()):
            cells = [self.favourites_table.item(row, column) for column in (0, 1)]
            name, number = ((cell.text() if cell else "").strip() for cell in cells)
            if not name and not number:
                continue
            if not name:
                raise InvalidInputError(_("Favourite {number} needs a name.", number=number))
            try:
                normalize(number, region)
            except InvalidPhoneNumberError as error:
                raise InvalidInputError(_("Favourite {name}: {reason}", name=name,
                                          reason=error.user_message())) from None
            favourites.append(Favourite(name[:80], number))
        return favourites

    def _add_row(self) -> None:
        self._append_row("", "")
        item = self.table.item(self.table.rowCount() - 1, 0)
        if item is not None:   # always: _append_row sets it
            self.table.editItem(item)

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._refresh_default_choices(self.default_combo.currentData())

    def _rows(self) -> list[tuple[str, str]]:
        rows = []
        for row in range(self.table.rowCount()):
            ramal_item, label_item = self.table.item(row, 0), self.table.item(row, 1)
            rows.append(((ramal_item.text() if ramal_item else "").strip(),
                         (label_item.text() if label_item else "").strip()))
        return rows

    def _refresh_default_choices(self, keep: str | None) -> None:
        self.default_combo.blockSignals(True)
        self.default_combo.clear()
        for ramal, label in self._rows():
            if is_valid_ramal(ramal):
                self.default_combo.addItem(f"{ramal} · {label}" if label else ramal, ramal)
        index = self.default_combo.findData(keep)
        self.default_combo.setCurrentIndex(max(index, 0))
        self.default_combo.blockSignals(False)

    def _accept(self) -> None:
        try:
            settings = self.collect()
            self._apply_autostart()
        except TvdeskError as error:
            self.error_label.setText(error.user_message())
            return
        self.settings_accepted.emit(settings)
        self.accept()

    def load_autostart(self, autostart: Autostart) -> None:
        """Show the real state: autostart lives in the system, not in settings.json."""
        self._autostart = autostart
        self.autostart_check.setChecked(autostart.is_enabled())
        self.autostart_check.setToolTip(autostart.describe())
        self._autostart_was = self.autostart_check.isChecked()

    def _apply_autostart(self) -> None:
        autostart = getattr(self, "_autostart", None)
        wanted = self.autostart_check.isChecked()
        if autostart is None or wanted == self._autostart_was:
            return
        try:
            autostart.enable() if wanted else autostart.disable()
        except AutostartError as error:
            raise InvalidInputError(str(error)) from None
        self._autostart_was = wanted

    def collect(self) -> Settings:
        """The settings as edited; raises TvdeskError with a message for people."""
        settings = copy.deepcopy(self._settings)
        if self.api_combo.isEnabled():
            settings.api_base = normalize_base_url(combo_api_base(self.api_combo))
        settings.tipo = self.tipo_combo.currentData()
        settings.fechar_fim = self.fechar_fim_check.isChecked()
        settings.region = self.region_combo.currentData()
        settings.confirm_external_dials = self.confirm_check.isChecked()
        settings.history_limit = self.history_spin.value()
        settings.dnd_action = self.dnd_combo.currentData()
        settings.language = self.language_combo.currentData()
        settings.warm_engine = self.warm_check.isChecked()
        settings.favourites = self._favourites(settings.region)
        settings.hotkey_enabled = self.hotkey_check.isChecked() and self.hotkey_check.isEnabled()
        sequence = self.hotkey_edit.keySequence().toString(QKeySequence.SequenceFormat.PortableText)
        settings.hotkey = sequence or settings.hotkey
        known = {e.ramal: e for e in self._settings.extensions}
        extensions: list[Extension] = []
        for row, (ramal, label) in enumerate(self._rows()):
            if not ramal and not label:
                continue
            if not is_valid_ramal(ramal):
                raise InvalidInputError(
                    _("'{ramal}' is not an extension: an extension has 3 or 4 digits.",
                      ramal=ramal))
            if any(e.ramal == ramal for e in extensions):
                continue
            previous = known.get(ramal)
            extensions.append(Extension(ramal, label, previous.id_ramal if previous else None,
                                        tipo=self._row_tipo(row)))
        settings.extensions = extensions
        settings.default_ramal = self.default_combo.currentData() or (
            extensions[0].ramal if extensions else "")
        return settings
