"""The incoming-call window: who is calling, Answer or Decline, exactly one outcome."""

import pytest
from PySide6.QtCore import Qt

from tvdesk.ui.ringing_window import RingingWindow

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def make_window(qtbot):
    def factory(number="+554832830151", name="Ana Souza", ramal="4000", region="BR"):
        window = RingingWindow(number, name, ramal, region)
        qtbot.addWidget(window)
        window.present()
        return window
    return factory


class Outcomes:
    """Counts every signal the window emits."""

    def __init__(self, window):
        self.seen = []
        window.answered.connect(lambda: self.seen.append("answered"))
        window.declined.connect(lambda: self.seen.append("declined"))
        window.dismissed.connect(lambda: self.seen.append("dismissed"))


def label(window, name):
    widget = window.findChild(object, name)
    assert widget is not None, name
    return widget


def test_shows_the_caller_formatted_with_the_name_and_extension(make_window):
    window = make_window()
    assert window.isVisible()
    assert window.windowTitle() == "Incoming call — tvdesk"
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert label(window, "callerNameLabel").text() == "Ana Souza"
    assert label(window, "callerNameLabel").isVisible()
    assert label(window, "callerNumberLabel").text() == "(48) 3283-0151"
    assert label(window, "ringingRamalLabel").text() == "to extension 4000"
    assert label(window, "answerButton").text() == "Answer"
    assert label(window, "declineButton").text() == "Decline"
    assert "Ana Souza" in label(window, "answerButton").accessibleName()


def test_without_a_name_the_number_stands_alone(make_window):
    window = make_window(number="+14155550100", name=None)
    assert not label(window, "callerNameLabel").isVisible()
    assert label(window, "callerNumberLabel").text() == "+1 415-555-0100"


def test_numbers_it_cannot_read_are_shown_as_they_came(make_window):
    assert label(make_window(number="4002", name=None), "callerNumberLabel").text() == "4002"
    assert label(make_window(number="anonymous"), "callerNumberLabel").text() == "anonymous"
    assert label(make_window(number=""), "callerNumberLabel").text() == "Unknown number"


def test_answer_emits_once_and_closes(qtbot, make_window):
    window = make_window()
    outcomes = Outcomes(window)
    with qtbot.waitSignal(window.answered, timeout=1000):
        qtbot.mouseClick(label(window, "answerButton"), LEFT)
    window.answer()
    window.decline()
    window.close()
    assert outcomes.seen == ["answered"]
    assert not window.isVisible()


def test_decline_emits_once_and_closes(qtbot, make_window):
    window = make_window()
    outcomes = Outcomes(window)
    qtbot.mouseClick(label(window, "declineButton"), LEFT)
    qtbot.mouseClick(label(window, "answerButton"), LEFT)
    assert outcomes.seen == ["declined"]
    assert not window.isVisible()


def test_escape_declines(qtbot, make_window):
    window = make_window()
    outcomes = Outcomes(window)
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert outcomes.seen == ["declined"]


def test_closing_the_window_is_neither_answer_nor_decline(make_window):
    window = make_window()
    outcomes = Outcomes(window)
    window.close()
    window.close()
    assert outcomes.seen == ["dismissed"]


def test_withdraw_closes_without_a_signal(make_window):
    window = make_window()
    outcomes = Outcomes(window)
    window.withdraw()
    assert not window.isVisible()
    assert outcomes.seen == []


def test_it_shows_itself_with_no_other_window_and_does_not_take_the_keyboard(qtbot):
    window = RingingWindow("+554832830151", None, "4000")
    qtbot.addWidget(window)
    window.present()
    qtbot.waitExposed(window)
    assert window.isVisible()
    assert window.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    assert not label(window, "answerButton").autoDefault()  # a stray Enter never answers


def test_speaks_portuguese(qtbot):
    from tvdesk.core import i18n

    i18n.set_language("pt_BR")
    try:
        window = RingingWindow("+554832830151", None, "4000")
        qtbot.addWidget(window)
    finally:
        i18n.set_language("en")
    assert window.windowTitle() == "Chamada recebida — tvdesk"
    assert label(window, "ringingRamalLabel").text() == "para o ramal 4000"
    assert label(window, "answerButton").text() == "Atender"
    assert label(window, "declineButton").text() == "Recusar"
