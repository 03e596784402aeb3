"""The small window holding the call bar of one background (hidden) extension."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tvdesk.core.i18n import _
from tvdesk.phone.session import PhoneSession
from tvdesk.ui.call_bar import CallBar
from tvdesk.ui.plain_text import plain_label


def queue_words(event: str, queue: str) -> str:
    words = {"entrou_na_fila": _("in the queue"), "despausou_na_fila": _("in the queue"),
             "pausou_na_fila": _("paused in the queue"),
             "saiu_da_fila": _("out of the queue")}.get(event, "")
    return f"{words} {queue}".strip() if words and queue else words


class CallBarWindow(QWidget):
    """A small window holding the call bar of one hidden extension, with its connection."""

    online_toggled = Signal(str, bool)   # ramal, online

    def __init__(self, ramal: str) -> None:
        super().__init__()
        self.ramal = ramal
        self.setObjectName("callBarWindow")
        self.setWindowTitle(_("Extension {ramal} — tvdesk", ramal=ramal))
        self.bar: CallBar | None = None
        self.status_line = plain_label()
        self.status_line.setObjectName("phoneStatusLine")
        self.online_button = QPushButton(_("Go offline"))
        self.online_button.setObjectName("onlineButton")
        self.online_button.setCheckable(True)
        self.online_button.setChecked(True)
        self.online_button.toggled.connect(self._on_online_toggled)
        footer = QHBoxLayout()
        footer.addWidget(self.status_line, 1)
        footer.addWidget(self.online_button)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.addLayout(footer)
        self._quality = ""
        self._queue = ""

    def attach(self, session: PhoneSession, region: str) -> None:
        if self.bar is not None:
            self._layout.removeWidget(self.bar)
            self.bar.deleteLater()
        self.bar = CallBar(session, region, self)
        self._layout.insertWidget(0, self.bar)
        self._quality = session.quality_text()
        self._queue = queue_words(session.queue_state, "")
        session.quality_changed.connect(self._on_quality)
        session.queue_changed.connect(self._on_queue)
        self._show_status()

    def _on_quality(self, text: str) -> None:
        self._quality = text
        self._show_status()

    def _on_queue(self, event: str, queue: str) -> None:
        self._queue = queue_words(event, queue)
        self._show_status()

    def _show_status(self) -> None:
        self.status_line.setText(" · ".join(part for part in (self._quality, self._queue) if part))

    def _on_online_toggled(self, online: bool) -> None:
        self.online_button.setText(_("Go offline") if online else _("Go online"))
        self.online_toggled.emit(self.ramal, online)

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
