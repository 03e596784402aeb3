"""A small notice in the corner of the screen, for desktops whose tray cannot show
messages (or that have no tray at all)."""

from __future__ import annotations

from html import escape as html_escape

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QMouseEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

SHOW_MS = 6000


class Toast(QWidget):
    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("toast")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        self.label = QLabel(wordWrap=True)
        self.label.setObjectName("toastText")
        self.label.setMaximumWidth(360)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.label)
        self._timer = QTimer(self, singleShot=True, interval=SHOW_MS)
        self._timer.timeout.connect(self.hide)

    def notify(self, text: str, error: bool) -> None:
        colour = "#b00020" if error else "#1b5e20"
        self.setStyleSheet(f"#toast {{ background: #fafafa; border: 2px solid {colour}; "
                           "border-radius: 8px; }")
        # The heading is ours; the text may come from a server, so it is escaped here.
        self.label.setText(f"<b>tvdesk</b><br>{html_escape(text)}")
        self.adjustSize()
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(area.right() - self.width() - 16, area.bottom() - self.height() - 16)
        self.show()
        self._timer.start()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.hide()
