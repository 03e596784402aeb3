"""Ask before dialling a number that did not come from the person typing it here.

Links, the clipboard hotkey and the command line can start calls; the person sees
the number as it will be dialled and the extension before anything goes out.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import DialTarget

SOURCE_NAMES = {
    "link": lambda: _("a link"),
    "cli": lambda: _("the command line"),
    "hotkey": lambda: _("the clipboard hotkey"),
    "clipboard": lambda: _("the clipboard"),
}


class ConfirmDialBox(QMessageBox):
    def __init__(self, target: DialTarget, ramal: str, source: str,
                 on_answer: Callable[[bool], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmDialBox")
        self.setWindowTitle(_("Confirm call — tvdesk"))
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setIcon(QMessageBox.Icon.Warning if target.is_premium_rate else QMessageBox.Icon.Question)
        self.setText(_("Call {number}?", number=target.display))
        details = [_("From extension {ramal}. The number came from {source}.", ramal=ramal,
                     source=SOURCE_NAMES.get(source, lambda: source)())]
        if target.is_premium_rate:
            details.append(_("This is a premium-rate number: calls to it cost more."))
        self.setInformativeText("\n".join(details))
        self.call_button = self.addButton(_("Call"), QMessageBox.ButtonRole.AcceptRole)
        self.call_button.setObjectName("confirmCallButton")
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)  # Enter alone never dials a surprise number
        self.setEscapeButton(self.cancel_button)
        self._on_answer = on_answer
        self._answered = False
        self.finished.connect(self._answer)

    def _answer(self, _result: int) -> None:
        if self._answered:
            return
        self._answered = True
        self._on_answer(self.clickedButton() is self.call_button)
        self.deleteLater()

    def ask(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
