"""Settings: API address, extensions (with the default), webphone type and auto-close."""

from __future__ import annotations

import copy

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tvdesk.core.api import normalize_base_url
from tvdesk.core.errors import InvalidInputError, TvdeskError
from tvdesk.core.i18n import _
from tvdesk.core.settings import WEBPHONE_TYPES, Extension, Settings, is_valid_ramal
from tvdesk.ui.token_dialog import api_base_combo, combo_api_base


class SettingsDialog(QDialog):
    settings_accepted = Signal(object)   # a new Settings
    change_token = Signal()
    forget_token = Signal()
    import_extensions = Signal()

    def __init__(self, settings: Settings, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings — tvdesk"))
        self.resize(520, 460)
        self._settings = copy.deepcopy(settings)

        self.api_combo = api_base_combo(settings.api_base)
        self.api_combo.setEnabled(not demo)
        self.tipo_combo = QComboBox(objectName="tipoCombo")
        for tipo in WEBPHONE_TYPES:
            self.tipo_combo.addItem(tipo, tipo)
        self.tipo_combo.setCurrentIndex(self.tipo_combo.findData(settings.tipo))
        self.fechar_fim_check = QCheckBox(_("Close the phone window when the call ends"),
                                          objectName="fecharFimCheck")
        self.fechar_fim_check.setChecked(settings.fechar_fim)

        self.table = QTableWidget(0, 2, objectName="extensionTable")
        self.table.setHorizontalHeaderLabels([_("Extension"), _("Label")])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for extension in settings.extensions:
            self._append_row(extension.ramal, extension.label)
        self.default_combo = QComboBox(objectName="defaultCombo")
        self._refresh_default_choices(settings.default_ramal)
        self.table.itemChanged.connect(lambda _item: self._refresh_default_choices(
            self.default_combo.currentData()))

        add = QPushButton(_("Add"), clicked=self._add_row)
        remove = QPushButton(_("Remove"), clicked=self._remove_row)
        import_button = QPushButton(_("Import from account"), clicked=self.import_extensions.emit)
        token_button = QPushButton(_("Change Access-Token…"), clicked=self.change_token.emit)
        forget_button = QPushButton(_("Forget Access-Token"), clicked=self.forget_token.emit)
        token_button.setEnabled(True)
        forget_button.setEnabled(not demo)

        self.error_label = QLabel(objectName="settingsError", wordWrap=True)
        self.error_label.setStyleSheet("color: #b00020;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("API address"), self.api_combo)
        form.addRow(_("Webphone type"), self.tipo_combo)
        form.addRow("", self.fechar_fim_check)
        form.addRow(_("Default extension"), self.default_combo)
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
        layout.addLayout(token_row)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)

    def _append_row(self, ramal: str, label: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(ramal))
        self.table.setItem(row, 1, QTableWidgetItem(label))

    def _add_row(self) -> None:
        self._append_row("", "")
        self.table.editItem(self.table.item(self.table.rowCount() - 1, 0))

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
        except TvdeskError as error:
            self.error_label.setText(error.user_message())
            return
        self.settings_accepted.emit(settings)
        self.accept()

    def collect(self) -> Settings:
        """The settings as edited; raises TvdeskError with a message for people."""
        settings = copy.deepcopy(self._settings)
        if self.api_combo.isEnabled():
            settings.api_base = normalize_base_url(combo_api_base(self.api_combo))
        settings.tipo = self.tipo_combo.currentData()
        settings.fechar_fim = self.fechar_fim_check.isChecked()
        known = {e.ramal: e for e in self._settings.extensions}
        extensions: list[Extension] = []
        for ramal, label in self._rows():
            if not ramal and not label:
                continue
            if not is_valid_ramal(ramal):
                raise InvalidInputError(
                    _("'{ramal}' is not an extension: an extension has 3 or 4 digits.",
                      ramal=ramal))
            if any(e.ramal == ramal for e in extensions):
                continue
            previous = known.get(ramal)
            extensions.append(Extension(ramal, label, previous.id_ramal if previous else None))
        settings.extensions = extensions
        settings.default_ramal = self.default_combo.currentData() or (
            extensions[0].ramal if extensions else "")
        return settings
