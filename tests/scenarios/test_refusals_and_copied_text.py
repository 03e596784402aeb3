"""Dials the app must refuse (and survive), and numbers copied from real-world text."""

import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

UNKNOWN = "Extension 9999 is not one of this account's extensions"


def test_a_dial_from_an_unknown_extension_is_refused_and_the_app_keeps_working(make_desk):
    # Calls last long enough here to dial again while one is in progress.
    desk = make_desk(hangup_after=4.0).start()
    desk.wait_for_extensions()

    steps = [
        ("unknown", "9999"), ("call", "4000"), ("busy", "4000"), ("call", "4001"),
        ("unknown", "9999"), ("call", "4002"),
    ]
    expected_calls = []
    open_calls = {}   # ramal: log mark when it started
    for step, (kind, ramal) in enumerate(steps, 1):
        where = f"step {step}: {kind} on {ramal}"
        mark = desk.mark()
        result = desk.dial("(48) 3283-0151", "--ramal", ramal, "--yes").wait(60)
        if kind == "unknown":
            assert result.returncode == 2, (where, result.stdout, result.stderr)
            assert result.stdout == "", where
            assert result.stderr.startswith(f"tvdesk: {UNKNOWN}"), (where, result.stderr)
            desk.wait_for_log(f"told the person (error): {UNKNOWN}", after=mark)
            assert not desk.windows("Extension 9999"), where
        elif kind == "busy":
            # The first call on 4000 is still going: the person is told to hang up first.
            assert result.returncode == 2, (where, result.stdout, result.stderr)
            assert result.stderr.strip() == \
                "tvdesk: Extension 4000 is already in a call. Hang up first.", where
            desk.wait_for_log("told the person (error): Extension 4000 is already in a call.",
                              after=mark)
            titles = desk.windows("Extension 4000 ").values()
            assert list(titles) == ["Extension 4000 → (48) 3283-0151 · in call — tvdesk"], where
        else:
            assert result.returncode == 0, (where, result.stdout, result.stderr)
            assert result.stdout.strip() == f"Calling (48) 3283-0151 from extension {ramal}…"
            expected_calls.append((ramal, "+554832830151"))
            open_calls[ramal] = mark
            # Its window shows the call going (and for 4000, the "busy" step needs it so).
            titles = desk.wait_for_call_state(ramal, "in call")
            desk.check_phone_titles(ramal, "(48) 3283-0151", titles)
        assert desk.dialled() == expected_calls, where
        assert desk.app.alive(), where

    for ramal, mark in open_calls.items():
        desk.wait_for_phone_window_closed(ramal, after=mark)
    assert desk.dialled() == [("4000", "+554832830151"), ("4001", "+554832830151"),
                              ("4002", "+554832830151")]
    assert not any(r.query.get("ramal") == ["9999"] for r in desk.webphone_calls())
    assert desk.told().count(
        "(error) Extension 9999 is not one of this account's extensions. Import them again, "
        "or add it in Settings.") == 2
    desk.assert_nothing_unexpected()


COPIED = [
    # (copied text, options, ramal, E.164 the API must get, as shown)
    ("Tel.: (48) 3283-0151;", ["--yes"], "4000", "+554832830151", "(48) 3283-0151"),
    ("(11) 98765-4321 | Comercial", ["--yes"], "4000", "+5511987654321", "(11) 98765-4321"),
    ("(11) 98765-4321 | Comercial", [], "4001", "+5511987654321", "(11) 98765-4321"),
    ("Tel.: (48) 3283-0151;", [], "4000", None, "(48) 3283-0151"),   # shown, then cancelled
    ("Tel.: (48) 3283-0151;", ["--ramal", "4002", "--yes"], "4002", "+554832830151",
     "(48) 3283-0151"),
]


def test_numbers_copied_from_signatures_and_web_pages_reach_the_api_in_e164(desk):
    expected_calls = []
    for step, (text, options, ramal, e164, display) in enumerate(COPIED, 1):
        where = f"step {step}: {text!r} {options}"
        mark = desk.mark()
        if not options:   # no --yes: the person sees the number as it will be dialled
            options = ["--ramal", ramal] if ramal != "4000" else []
            command = desk.dial(text, *options)
            window = desk.wait_for_new_confirmation()
            desk.answer(window, call=e164 is not None)
        else:
            command = desk.dial(text, *options)
        result = command.wait(60)
        if e164 is None:
            assert (result.returncode, result.stderr.strip()) == (8, "tvdesk: Call cancelled."), where
            assert desk.dialled() == expected_calls, where
            continue
        assert result.returncode == 0, (where, result.stdout, result.stderr)
        assert result.stdout.strip() == f"Calling {display} from extension {ramal}…", where
        expected_calls.append((ramal, e164))
        assert desk.dialled() == expected_calls, where
        desk.follow_floating_call(ramal, display, after=mark)

    assert [r.query["ligar_para"] for r in desk.webphone_calls()] == \
        [["+554832830151"], ["+5511987654321"], ["+5511987654321"], ["+554832830151"]]
    desk.assert_nothing_unexpected()
