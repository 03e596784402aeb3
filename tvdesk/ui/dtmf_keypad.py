"""A telephone keypad that sends DTMF tones during a call: 1-9, *, 0, #."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from tvdesk.core.i18n import _

DTMF_DIGITS = "123456789*0#"
# objectNames must be identifiers-ish, and "*"/"#" read badly in selectors and logs.
_DIGIT_NAMES = {"*": "star", "#": "hash"}


def dtmf_button_name(digit: str) -> str:
    """The objectName of the keypad button for `digit` ("dtmfButton_5", "dtmfButton_star")."""
    return f"dtmfButton_{_DIGIT_NAMES.get(digit, digit)}"


class DtmfKeypad(QWidget):
    """Twelve buttons in the usual phone layout; says which one was pressed."""

    digit_pressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dtmfKeypad")
        self.setAccessibleName(_("Keypad"))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        self.buttons: dict[str, QPushButton] = {}
        for index, digit in enumerate(DTMF_DIGITS):
            button = QPushButton(digit, self)
            button.setObjectName(dtmf_button_name(digit))
            button.setAccessibleName(_("Send tone {digit}", digit=digit))
            button.setAutoDefault(False)
            button.setMinimumHeight(30)
            button.clicked.connect(lambda _checked=False, d=digit: self.digit_pressed.emit(d))
            grid.addWidget(button, index // 3, index % 3)
            self.buttons[digit] = button
