"""A background (hidden) extension that rings, with outgoing calls on a floating one in
between: the ringing window is clicked with the mouse, as it never takes the keyboard."""

import json
import os
from pathlib import Path

import pytest
from support.xserver import wait_until

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

RING_TIMEOUT = 6.0   # seconds an unanswered call rings before the sandbox gives up


def ring(desk, number, display):
    """An incoming call on 4000; returns the ringing window (which must not take the keyboard)."""
    mark = desk.mark()
    desk.sandbox.incoming_call("4000", number)
    desk.wait_for_log("ringing window shown for a call on 4000", after=mark)
    windows = wait_until(lambda: desk.windows("Incoming call"), 10)
    assert windows and list(windows.values()) == ["Incoming call — tvdesk"], windows
    window = next(iter(windows))
    desk.wait_for_log(f"told the person: Incoming call from {display} on extension 4000",
                      after=mark)
    assert desk.x.active_window() != window, "the ringing window took the keyboard"
    return window, mark


def click_button(desk, window, which):
    """Decline is the left button, Answer the right one, in the window's bottom row."""
    _x, _y, width, height = desk.x.window_geometry(window)
    # Layout: margins 16 left/right and 14 at the bottom, two equal buttons 12 apart,
    # 44 px high (tvdesk/ui/ringing_window.py).
    button = (width - 2 * 16 - 12) / 2
    x = 16 + button / 2 if which == "decline" else 16 + button + 12 + button / 2
    mark = desk.mark()
    desk.click(window, int(x), int(height - 14 - 22))
    # Well before the sandbox's ring timeout: it was the click that ended the ringing.
    assert wait_until(lambda: window not in desk.windows("Incoming call"), 3), \
        f"the ringing window stayed after a click on {which}"
    desk.wait_for_log(f"webphone command {'hangup' if which == 'decline' else 'answer'}",
                      after=mark, timeout=3)


def history(desk):
    path = desk.home / "data" / "history.json"
    try:
        return json.loads(path.read_text())["calls"]
    except (OSError, ValueError, KeyError):
        return []


def outgoing_on_4001(desk, how, text, display, e164, expected_calls):
    mark = desk.mark()
    command = desk.dial(text) if how == "dial" else desk.link(text)
    window = desk.wait_for_new_confirmation()
    desk.answer(window, call=True)
    result = command.wait(60)
    assert result.returncode == 0, (result.stdout, result.stderr)
    if how == "dial":
        assert result.stdout.strip() == f"Calling {display} from extension 4001…"
    expected_calls.append(("4001", e164))
    assert desk.dialled() == expected_calls
    return mark


def test_incoming_calls_on_a_hidden_extension_between_outgoing_calls(make_desk):
    desk = make_desk(hangup_after=2.5, ring_timeout=RING_TIMEOUT)
    (desk.home / "config").mkdir(parents=True)
    (desk.home / "config" / "settings.json").write_text(json.dumps({
        "version": 1, "default_ramal": "4001",
        "extensions": [{"ramal": "4000", "tipo": "hidden"}, {"ramal": "4001"}]}))
    desk.start()
    desk.wait_for_log("hidden webphone of 4000: connected", timeout=60)
    hidden = [r for r in desk.webphone_calls() if r.query.get("ramal") == ["4000"]]
    assert [r.query.get("tipo") for r in hidden] == [["hidden"]]
    assert "ligar_para" not in hidden[0].query
    expected_calls = []

    # 1. A call comes in; the person declines it with a click.
    window, mark = ring(desk, "+554832830151", "(48) 3283-0151")
    if os.environ.get("TVDESK_SCENARIO_SCREENSHOTS"):
        desk.x.screenshot(Path(os.environ["TVDESK_SCENARIO_SCREENSHOTS"]) / "ringing.png")
    click_button(desk, window, "decline")
    desk.wait_for_log("webphone event status encerrada", after=mark)
    assert not any("Missed call" in t for t in desk.told(mark))

    # 2. An outgoing call on the floating extension 4001 (the default).
    mark = outgoing_on_4001(desk, "dial", "(21) 2345-6789", "(21) 2345-6789", "+552123456789",
                            expected_calls)
    desk.follow_floating_call("4001", "(21) 2345-6789", after=mark)

    # 3. Another call comes in and is answered; during it, a link dials out on 4001.
    window, ring_mark = ring(desk, "+5511987654321", "(11) 98765-4321")
    click_button(desk, window, "answer")
    assert wait_until(lambda: "Extension 4000 — tvdesk" in desk.windows("Extension 4000").values(),
                      10), f"no call bar for 4000: {desk.windows('Extension')}"
    mark = outgoing_on_4001(desk, "link", "tel:+554832830151", "(48) 3283-0151", "+554832830151",
                            expected_calls)
    desk.follow_floating_call("4001", "(48) 3283-0151", after=mark)
    assert wait_until(lambda: any(c["number"] == "+5511987654321" and c["kind"] == "incoming"
                                  for c in history(desk)), 20), history(desk)

    # 4. A call nobody answers rings out and is reported as missed.
    window, mark = ring(desk, "+556132123456", "(61) 3212-3456")
    assert wait_until(lambda: window not in desk.windows("Incoming call"), RING_TIMEOUT + 10), \
        "the ringing window stayed after the caller gave up"
    desk.wait_for_log("told the person (error): Missed call from (61) 3212-3456", after=mark)
    assert wait_until(lambda: any(c["number"] == "+556132123456" and c["kind"] == "missed"
                                  for c in history(desk)), 10), history(desk)

    # The API dialled only what the person started, all on 4001; 4000 was never asked to.
    assert desk.dialled() == expected_calls
    assert [r.query.get("ramal") for r in desk.webphone_calls()].count(["4000"]) == 1
    kinds = {c["number"]: c["kind"] for c in history(desk)}
    assert kinds == {"+552123456789": "outgoing", "+554832830151": "outgoing",
                     "+5511987654321": "incoming", "+556132123456": "missed"}, kinds
    assert desk.app.alive()
    desk.assert_nothing_unexpected()
