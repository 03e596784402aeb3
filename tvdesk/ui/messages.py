"""The one bridge for what the person is told and what they are asked.

Modelled on qutebrowser's `utils/message.py`, but injected rather than global: the
composition root builds one `MessageBus` and hands it to whoever needs to speak.
Messages carry a topic ("call:4000", "number", ...) so that a line about something
that is over can be taken back (`clear(topic)`) instead of lingering. Every message
is logged, which is also how the scenario tests read what the person saw.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from tvdesk.core.dialing import CONFIRMATION_TIMEOUT, ConfirmationAnswer, DialRequest
from tvdesk.core.redact import redact

if TYPE_CHECKING:
    from tvdesk.core.phone_numbers import DialTarget
    from tvdesk.ui.confirm_dial import ConfirmDialBox

log = logging.getLogger("tvdesk.messages")

# Platforms where no person can see a window: a question there can never be answered.
HEADLESS_PLATFORMS = ("offscreen", "minimal")


@dataclass(frozen=True)
class Message:
    text: str
    error: bool
    topic: str = ""


class MessageBus(QObject):
    told = Signal(object)      # Message
    cleared = Signal(str)      # topic

    def __init__(self, parent: QObject | None = None,
                 confirmation_timeout: float = CONFIRMATION_TIMEOUT) -> None:
        super().__init__(parent)
        self._open_questions: list[ConfirmDialBox] = []
        self._confirmation_timeout = confirmation_timeout
        self.question_parent: Callable[[], QWidget | None] = lambda: None
        # Whether a person can see a question: not on a headless platform. Tests that
        # play the person in process replace it.
        self.can_ask: Callable[[], bool] = lambda: (
            QGuiApplication.platformName() not in HEADLESS_PLATFORMS)

    # --- telling --------------------------------------------------------------------

    def info(self, text: str, topic: str = "") -> None:
        self._tell(Message(text, False, topic))

    def error(self, text: str, topic: str = "") -> None:
        self._tell(Message(text, True, topic))

    def clear(self, topic: str) -> None:
        self.cleared.emit(topic)

    def _tell(self, message: Message) -> None:
        log.info("told the person%s: %s", " (error)" if message.error else "",
                 redact(message.text))
        self.told.emit(message)

    # --- asking ---------------------------------------------------------------------

    def open_questions(self) -> list[ConfirmDialBox]:
        return list(self._open_questions)

    def ask_dial_confirmation(self, target: DialTarget, ramal: str, request: DialRequest,
                              on_answer: Callable[[ConfirmationAnswer], None],
                              international: bool = False) -> None:
        """Show the number and extension; `on_answer` runs once, whatever happens."""
        from tvdesk.ui.confirm_dial import ConfirmDialBox  # a dialog, built when asked

        box = ConfirmDialBox(target, ramal, request.source, self.question_parent(),
                             international=international)
        self._open_questions.append(box)
        timer = QTimer(box)
        timer.setSingleShot(True)
        timer.timeout.connect(box.withdraw)
        answered = False

        def answer(value: ConfirmationAnswer) -> None:
            nonlocal answered
            if answered:
                return
            answered = True
            timer.stop()
            if box in self._open_questions:
                self._open_questions.remove(box)
            log.info("the person answered a dial confirmation: %s", value.value)
            on_answer(value)

        box.answered.connect(answer)
        timer.start(int(self._confirmation_timeout * 1000))
        log.info("asked the person to confirm a call from %s", request.source.value)
        box.ask()
