"""Ask before dialling a number that did not come from the person typing it here.

Links, the clipboard hotkey and the command line can start calls; the person sees
the number as it will be dialled and the extension before anything goes out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from tvdesk.core.dialing import ConfirmationAnswer, DialSource
from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import DialTarget


def source_words(source: DialSource) -> str:
    """A whole sentence per source, so every language can say it its own way."""
    return {
        DialSource.LINK: lambda: _("The number came from a link."),
        DialSource.CLI: lambda: _("The number came from the command line."),
        DialSource.HOTKEY: lambda: _("The number came from the clipboard hotkey."),
        DialSource.CLIPBOARD: lambda: _("The number came from the clipboard."),
        DialSource.APP: lambda: _("The number was typed in tvdesk."),
    }[source]()


class ConfirmDialBox(QMessageBox):
    """Emits `answered` exactly once: YES, NO, or NO_ANSWER when withdrawn."""

    answered = Signal(object)   # ConfirmationAnswer

    def __init__(self, target: DialTarget, ramal: str, source: DialSource,
                 parent: QWidget | None = None, international: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("confirmDialBox")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(_("Confirm call — tvdesk"))
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        self.setIcon(QMessageBox.Icon.Warning if target.is_premium_rate or international
                     else QMessageBox.Icon.Question)
        self.setText(_("Call {number}?", number=target.display))
        details = [_("From extension {ramal}.", ramal=ramal), source_words(source)]
        if target.is_premium_rate:
            details.append(_("This is a premium-rate number: calls to it cost more."))
        if international:
            details.append(_("This is an international number: calls to it cost more."))
        self.setInformativeText("\n".join(details))
        # "&" gives the button a keyboard mnemonic (Alt+C / Alt+L), as desktop dialogs do.
        self.call_button = self.addButton(_("&Call"), QMessageBox.ButtonRole.AcceptRole)
        self.call_button.setObjectName("confirmCallButton")
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)  # Enter alone never dials a surprise number
        self.setEscapeButton(self.cancel_button)
        self._answer: ConfirmationAnswer | None = None
        self.finished.connect(self._on_finished)

    def _on_finished(self, _result: int) -> None:
        if self._answer is None:
            self._answer = ConfirmationAnswer.YES if self.clickedButton() is self.call_button \
                else ConfirmationAnswer.NO
        self.answered.emit(self._answer)

    def withdraw(self) -> None:
        """Nobody answered in time: close as not confirmed."""
        self._answer = ConfirmationAnswer.NO_ANSWER
        self.done(QMessageBox.StandardButton.Cancel)

    def ask(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
