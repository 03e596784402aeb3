"""About tvdesk: version, API host, keyring backend, where files live; diagnostics."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tvdesk import __version__
from tvdesk.core.i18n import _
from tvdesk.core.paths import AppPaths
from tvdesk.ui.plain_text import plain_label


class AboutDialog(QDialog):
    def __init__(self, paths: AppPaths, api_base: str, demo: bool, keyring_backend: str,
                 diagnostics: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_("About tvdesk"))
        self._diagnostics = diagnostics
        title = QLabel(f"<h2>tvdesk {__version__}</h2>")
        blurb = QLabel(_("Desktop softphone for TotalVoice / Zenvia Voice."), wordWrap=True)
        form = QFormLayout()
        api = api_base + (" " + _("(demo sandbox)") if demo else "")
        for label, value, name in (
                (_("API address"), api, "aboutApi"),
                (_("Keyring"), keyring_backend, "aboutKeyring"),
                (_("Settings"), str(paths.settings_file), "aboutSettings"),
                (_("Logs"), str(paths.log_file), "aboutLogs"),
                (_("Data"), str(paths.data_dir), "aboutData")):
            field = plain_label(value, wrap=True)
            field.setObjectName(name)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(label, field)
        self.copied_label = plain_label()
        self.copied_label.setObjectName("copiedLabel")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton(_("Copy diagnostics"),
                                             QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copyDiagnosticsButton")
        self.copy_button.clicked.connect(self.copy_diagnostics)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addLayout(form)
        layout.addWidget(self.copied_label)
        layout.addWidget(buttons)

    def copy_diagnostics(self) -> None:
        QApplication.clipboard().setText(self._diagnostics())
        self.copied_label.setText(_("Diagnostics copied, with every secret masked. Paste them "
                                    "into your message to support."))
