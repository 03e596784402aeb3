"""The same number from every door: the tray's clipboard entry, the main window, the
tray's redial and recent calls, and `tvdesk dial --yes`. Each must reach the API the
same way and show the person the same call."""

import pytest
from support.xserver import wait_until

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

NUMBER = "(48) 3283-0151"
E164 = "+554832830151"
CALLING = f"Calling {NUMBER} from extension 4000…"

# Each walk goes through every door once, in its own order.
WALKS = [
    ("clipboard", "main window (tray click)", "redial", "command line"),
    ("command line", "recent calls", "clipboard", "main window (second start)"),
]


class Person:
    """What the person remembers: where they left the cursor in the main window."""

    def __init__(self, desk):
        self.desk = desk
        self.cursor_in_number_field = False

    def through(self, door: str) -> None:
        desk = self.desk
        if door == "clipboard":
            # The first entry reads "Call (48) 3283-0151" while the clipboard holds it.
            desk.choose_in_tray_menu("Down", "Return")
        elif door == "redial":
            # Under the clipboard entry: "Redial (48) 3283-0151".
            desk.choose_in_tray_menu("Down", "Down", "Return")
        elif door == "recent calls":
            # "Recent calls ▸", its newest entry.
            desk.choose_in_tray_menu("Down", "Down", "Down", "Right", "Return")
        elif door == "command line":
            result = desk.dial(NUMBER, "--yes").wait(60)
            assert result.returncode == 0, (result.stdout, result.stderr)
            assert result.stdout.strip() == CALLING
            assert result.stderr == ""
        else:
            self.type_in_main_window(door)

    def type_in_main_window(self, door: str) -> None:
        desk = self.desk
        assert desk.main_window() is None, "the main window should be closed (in the tray)"
        if door == "main window (tray click)":
            desk.click_tray_icon()
        else:   # `tvdesk` started again hands the start over: the running one shows itself
            result = desk.run().wait(60)
            assert result.returncode == 0, (result.stdout, result.stderr)
        window = desk.wait_for_main_window()
        assert desk.x.window_name(window) == "tvdesk"
        desk.activate(window)
        if not self.cursor_in_number_field:
            desk.keys("Tab")   # shown the first time, the extension list has the keyboard
            self.cursor_in_number_field = True
        desk.keys("ctrl+a")    # whatever was typed last time goes
        desk.type(NUMBER)
        desk.keys("Return")

    def close_main_window(self) -> None:
        """Done with the main window: closing it puts tvdesk back in the tray."""
        window = self.desk.wait_for_main_window()
        self.desk.press(window, "alt+F4")
        assert wait_until(lambda: self.desk.main_window() is None, 10), \
            "the main window stayed open after Alt+F4"
        assert self.desk.app.alive()


def test_the_same_number_from_every_door(desk, clipboard):
    clipboard(f"Ligar para {NUMBER} amanhã")   # copied from an e-mail, say
    person = Person(desk)
    expected_calls = []
    last_when = 0.0
    for walk, doors in enumerate(WALKS, 1):
        for door in doors:
            where = f"walk {walk}, {door}"
            mark = desk.mark()
            person.through(door)
            desk.wait_for_log(f"told the person: {CALLING}", after=mark)
            expected_calls.append(("4000", E164))
            # The person is told first; the API is asked right after, from a worker.
            assert wait_until(lambda: desk.dialled() == expected_calls, 10), \
                (where, desk.dialled())
            desk.follow_floating_call("4000", NUMBER, after=mark)
            # Only the command line could have asked; with --yes, nobody was asked.
            assert "asked the person to confirm" not in desk.since(mark), where
            assert not desk.confirmations(), where

            # The call is in the recent calls. One entry per number (README, "Quick dial"):
            # the same number again does not add a line, it moves to the top, newer.
            calls = desk.history()
            assert [(c["number"], c["ramal"], c["kind"]) for c in calls] == \
                [(E164, "4000", "outgoing")], (where, calls)
            assert calls[0]["when"] > last_when, (where, calls)
            last_when = calls[0]["when"]
            if door.startswith("main window"):
                person.close_main_window()

    requests = desk.webphone_calls()
    assert len(requests) == 8
    assert all(r.query.get("ligar_para") == [E164] and r.query.get("ramal") == ["4000"]
               for r in requests)
    assert desk.told().count(CALLING) == 8
    assert desk.app.alive()
    desk.assert_nothing_unexpected()
