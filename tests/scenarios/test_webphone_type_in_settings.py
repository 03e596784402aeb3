"""An extension's webphone type, changed in Settings, takes effect at the first OK:
"background + call bar" dials through the background phone, "window" opens a window."""

import pytest
from support.xserver import wait_until

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

SETTINGS_TITLE = "Settings — tvdesk"
CALL_BAR_4001 = "Extension 4001 — tvdesk"
# What the Webphone column's list offers, by the key that picks it (its first letter).
CHOICE_KEYS = {"hidden": "b", "floating": "w"}   # "background + call bar", "window"


def open_settings(desk) -> str:
    desk.choose_in_tray_menu("Up", "Up", "Up", "Return")   # "Settings…", above About and Quit
    dialog = desk.wait_for_window(SETTINGS_TITLE)
    desk.activate(dialog)
    return dialog


def to_webphone_column_of_4001(desk) -> None:
    """With the keyboard from where the dialog puts it (the API address): backwards past
    Cancel, OK, the two token buttons, the favourites' Remove, Add and list, and Import,
    Remove and Add, into the extensions table at its last cell (4002's Webphone list).
    One more step back is 4002's label; Ctrl+Home, the first cell (4000); then one row
    down and two columns right, 4001's Webphone list, which takes the keyboard."""
    desk.keys(*["shift+Tab"] * 11)
    desk.keys("shift+Tab", "ctrl+Home", "Down", "Right", "Right")


def set_webphone_of_4001(desk, tipo: str) -> None:
    """Settings…, 4001's Webphone column to `tipo`, OK (Enter) once."""
    dialog = open_settings(desk)
    to_webphone_column_of_4001(desk)
    desk.keys(CHOICE_KEYS[tipo])
    desk.keys("Return")   # OK, the dialog's default button
    desk.wait_for_window_gone(dialog)


def tipo_of(desk, ramal: str) -> str:
    return next(e.get("tipo", "floating") for e in desk.settings()["extensions"]
                if e["ramal"] == ramal)


def background_requests(desk, ramal: str) -> list:
    return [r for r in desk.webphone_calls()
            if r.query.get("ramal") == [ramal] and r.query.get("tipo") == ["hidden"]]


def dial_4002_from_4001(desk) -> int:
    mark = desk.mark()
    result = desk.dial("4002", "--ramal", "4001", "--yes").wait(60)
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout.strip() == "Calling 4002 from extension 4001…"
    desk.wait_for_log("told the person: Calling 4002 from extension 4001…", after=mark)
    return mark


def test_a_webphone_type_changed_in_settings_takes_effect_at_the_first_ok(make_desk):
    desk = make_desk(hangup_after=1.0)
    # The account as an earlier session set it up: its API address is in the settings.
    desk.write_settings(api_base=desk.sandbox.base_url)
    desk.start(api_base=False)
    desk.wait_for_extensions()
    assert tipo_of(desk, "4001") == "floating"
    floating_dials = []

    for step, tipo in enumerate(["hidden", "floating", "hidden", "floating"], 1):
        where = f"step {step}: 4001 to {tipo}"
        mark = desk.mark()
        background_before = len(background_requests(desk, "4001"))
        set_webphone_of_4001(desk, tipo)
        assert tipo_of(desk, "4001") == tipo, where

        if tipo == "hidden":
            # At once: 4001's background phone connects...
            desk.wait_for_log("hidden webphone of 4001: connected", after=mark, timeout=40)
            started = background_requests(desk, "4001")[background_before:]
            assert len(started) == 1 and "ligar_para" not in started[0].query, (where, started)
            # ...and the dial goes through it: the call bar, no phone window.
            mark = dial_4002_from_4001(desk)
            desk.wait_for_log("dial on the background phone of 4001", after=mark)
            titles = desk.watch_titles(
                "Extension 4001", lambda m=mark: "webphone event status encerrada" in desk.since(m))
            assert titles == [CALL_BAR_4001], (where, titles)   # never "Extension 4001 → …"
            bar = desk.wait_for_window(CALL_BAR_4001)
            # The call is over: the person closes its call bar.
            desk.press(bar, "alt+F4")
            desk.wait_for_window_gone(bar)
        else:
            # At once: the background phone is gone, and the dial opens a window.
            desk.wait_for_log("hidden webphone of 4001: disconnected", after=mark)
            mark = dial_4002_from_4001(desk)
            floating_dials.append(("4001", "4002"))
            titles = desk.follow_floating_call("4001", "4002", after=mark)
            assert titles, where
            assert "dial on the background phone" not in desk.since(mark), where
        # The API was asked for a dialling webphone only for the windows.
        assert desk.dialled() == floating_dials, where
        assert all(r.query.get("tipo") == ["floating"]
                   for r in desk.webphone_calls() if r.query.get("ligar_para")), where

    assert len(background_requests(desk, "4001")) == 2
    assert desk.app.alive()
    desk.assert_nothing_unexpected()


# --- what the app gets wrong today ------------------------------------------------------

MIXED = [{"ramal": "4000", "tipo": "floating"}, {"ramal": "4001", "tipo": "hidden"},
         {"ramal": "4002", "tipo": "floating"}]


def test_ok_in_settings_without_a_change_keeps_every_webphone_type(make_desk):
    desk = make_desk()
    desk.write_settings(api_base=desk.sandbox.base_url, extensions=MIXED, default_ramal="4000")
    desk.start(api_base=False)
    desk.wait_for_log("hidden webphone of 4001: connected", timeout=40)
    dialog = open_settings(desk)
    desk.keys("Tab", "Return")   # to the next field, then Enter: OK, nothing changed
    desk.wait_for_window_gone(dialog)
    assert {e["ramal"]: e.get("tipo") for e in desk.settings()["extensions"]} == \
        {"4000": "floating", "4001": "hidden", "4002": "floating"}


def test_a_call_bar_goes_when_its_extension_becomes_a_window(make_desk):
    desk = make_desk(hangup_after=1.0)
    desk.write_settings(api_base=desk.sandbox.base_url, extensions=MIXED, default_ramal="4000")
    desk.start(api_base=False)
    desk.wait_for_log("hidden webphone of 4001: connected", timeout=40)
    mark = dial_4002_from_4001(desk)
    desk.wait_for_window(CALL_BAR_4001)
    desk.wait_for_log("webphone event status encerrada", after=mark)
    mark = desk.mark()
    set_webphone_of_4001(desk, "floating")
    desk.wait_for_log("hidden webphone of 4001: disconnected", after=mark)
    assert wait_until(lambda: not desk.windows(CALL_BAR_4001), 10), \
        f"a call bar of a phone that is gone: {desk.windows('Extension')}"
