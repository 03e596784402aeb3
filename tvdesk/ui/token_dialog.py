"""Enter an Access-Token: checked against the API (GET /saldo), then kept in the keyring."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tvdesk.core.api import TotalVoiceClient, normalize_base_url
from tvdesk.core.errors import KeyringUnavailableError, TvdeskError
from tvdesk.core.i18n import _
from tvdesk.core.settings import KNOWN_API_BASES
from tvdesk.core.token_store import TokenStore
from tvdesk.ops import BackgroundRunner
from tvdesk.ui.plain_text import plain_label


def api_base_combo(current: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("apiBaseCombo")
    combo.setEditable(True)
    combo.addItem(_("{url} (documented)", url=KNOWN_API_BASES[0]), KNOWN_API_BASES[0])
    combo.addItem(_("{url} (current, Zenvia)", url=KNOWN_API_BASES[1]), KNOWN_API_BASES[1])
    index = combo.findData(current)
    if index >= 0:
        combo.setCurrentIndex(index)
    else:
        combo.setEditText(current)
    return combo


def combo_api_base(combo: QComboBox) -> str:
    index = combo.findText(combo.currentText())
    data = combo.itemData(index) if index >= 0 else None
    return data or combo.currentText().strip()


class TokenDialog(QDialog):
    token_saved = Signal(str, float)   # api base, balance

    def __init__(self, token_store: TokenStore, runner: BackgroundRunner, api_base: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tokenDialog")
        self.setWindowTitle(_("Access-Token — tvdesk"))
        self._store = token_store
        self._runner = runner
        self.api_combo = api_base_combo(api_base)
        self.token_edit = QLineEdit()
        self.token_edit.setObjectName("tokenEdit")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(_("Paste the Access-Token from the TotalVoice panel"))
        self.message = plain_label(wrap=True)
        self.message.setObjectName("tokenMessage")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(_("Check and save"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveTokenButton")
        self.buttons.accepted.connect(self._check_and_save)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(_("API address"), self.api_combo)
        form.addRow(_("Access-Token"), self.token_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("The token is checked with the API and kept in the system "
                                  "keyring, never in a file."), wordWrap=True))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        if not token_store.keyring_usable():
            self._show(KeyringUnavailableError().user_message(), error=True)

    def _check_and_save(self) -> None:
        token = self.token_edit.text().strip()
        if not token:
            self._show(_("Paste the token first."), error=True)
            return
        try:
            api_base = normalize_base_url(combo_api_base(self.api_combo))
        except TvdeskError as error:
            self._show(error.user_message(), error=True)
            return
        self.save_button.setEnabled(False)
        self._show(_("Checking the token with {url}…", url=api_base), error=False)

        def check() -> float:
            with TotalVoiceClient(api_base, token) as client:
                balance = client.balance()
            self._store.set(token)
            return balance

        self._runner.run(check, lambda balance: self._saved(api_base, balance), self._failed)

    def _saved(self, api_base: str, balance: float) -> None:
        self.token_edit.clear()
        self.token_saved.emit(api_base, balance)
        self.accept()

    def _failed(self, error: TvdeskError) -> None:
        self.save_button.setEnabled(True)
        self._show(error.user_message(), error=True)

    def _show(self, text: str, error: bool) -> None:
        self.message.setStyleSheet("color: #b00020;" if error else "")
        self.message.setText(text)

