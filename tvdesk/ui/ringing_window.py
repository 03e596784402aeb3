"""The small always-on-top window that says a call is coming in: Answer or Decline.

It is shown while perhaps only the tray icon exists, so it shows and raises itself,
but it does not take the keyboard: someone typing elsewhere must not answer or
decline a call with a stray Enter, Space or Esc.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tvdesk.core.i18n import _
from tvdesk.core.phone_numbers import DEFAULT_REGION, caller_display
from tvdesk.ui.plain_text import plain_label

_ANSWER_STYLE = (
    "QPushButton { background-color: #2e7d32; color: white; border: 1px solid #1b5e20;"
    " border-radius: 6px; padding: 8px 16px; font-weight: bold; }"
    "QPushButton:hover { background-color: #388e3c; }"
    "QPushButton:pressed { background-color: #1b5e20; }"
    "QPushButton:focus { border: 2px solid #0d47a1; }"
)
_DECLINE_STYLE = (
    "QPushButton { background-color: #c62828; color: white; border: 1px solid #8e0000;"
    " border-radius: 6px; padding: 8px 16px; font-weight: bold; }"
    "QPushButton:hover { background-color: #d32f2f; }"
    "QPushButton:pressed { background-color: #8e0000; }"
    "QPushButton:focus { border: 2px solid #0d47a1; }"
)


class RingingWindow(QWidget):
    """Emits exactly one of answered(), declined() or dismissed() (closed unanswered).

    Esc declines. `withdraw()` closes it silently, for when the call stopped ringing
    on its own (the caller gave up, or another device answered).
    """

    answered = Signal()
    declined = Signal()
    dismissed = Signal()

    def __init__(self, number: str, name: str | None, ramal: str,
                 region: str = DEFAULT_REGION) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.number = number
        self.ramal = ramal
        self.number_display = caller_display(number, region) or _("Unknown number")
        self._decided = False
        self.setObjectName("ringingWindow")
        self.setWindowTitle(_("Incoming call — tvdesk"))
        # Show without taking the keyboard from whatever the person is typing in.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)

        self.name_label = plain_label(name or "", self)
        self.name_label.setObjectName("callerNameLabel")
        self.name_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name_label.setVisible(bool(name))
        self.number_label = plain_label(self.number_display, self)
        self.number_label.setObjectName("callerNumberLabel")
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ramal_label = plain_label(_("to extension {ramal}", ramal=ramal), self)
        self.ramal_label.setObjectName("ringingRamalLabel")
        self.ramal_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._scale_font(self.name_label, 1.2, bold=True)
        self._scale_font(self.number_label, 1.5 if not name else 1.2, bold=not name)

        caller = name or self.number_display
        self.answer_button = QPushButton(_("Answer"), self)
        self.answer_button.setObjectName("answerButton")
        self.answer_button.setAccessibleName(_("Answer the call from {caller}", caller=caller))
        self.answer_button.setStyleSheet(_ANSWER_STYLE)
        self.decline_button = QPushButton(_("Decline"), self)
        self.decline_button.setObjectName("declineButton")
        self.decline_button.setAccessibleName(_("Decline the call from {caller}", caller=caller))
        self.decline_button.setStyleSheet(_DECLINE_STYLE)
        for button in (self.answer_button, self.decline_button):
            button.setAutoDefault(False)  # Enter never answers by accident
            button.setMinimumSize(120, 44)

        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addWidget(self.decline_button)
        buttons.addWidget(self.answer_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(6)
        layout.addWidget(self.name_label)
        layout.addWidget(self.number_label)
        layout.addWidget(self.ramal_label)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        self.setAccessibleName(_("Incoming call from {caller}", caller=caller))

        self.answer_button.clicked.connect(self.answer)
        self.decline_button.clicked.connect(self.decline)

    @staticmethod
    def _scale_font(label: QLabel, factor: float, bold: bool) -> None:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * factor)
        font.setBold(bold)
        label.setFont(font)

    def present(self) -> None:
        """Show on top of everything, also when no other tvdesk window is visible."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()

    def answer(self) -> None:
        self._decide(self.answered)

    def decline(self) -> None:
        self._decide(self.declined)

    def withdraw(self) -> None:
        """Close without a signal: the call is no longer ringing."""
        self._decided = True
        self.close()

    def _decide(self, signal: SignalInstance) -> None:
        if self._decided:
            return
        self._decided = True
        signal.emit()
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.decline()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted() and not self._decided:
            self._decided = True
            self.dismissed.emit()
