"""Numbers from outside tvdesk (`tvdesk dial`, tel:/callto: links) through one running
app, each confirmed or cancelled by a person at the keyboard."""

import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]


# (how it arrives, what is passed, ramal, as dialled by the API, as shown to the person,
#  the person's answer); mixed sources, alternately confirmed and cancelled.
DAY = [
    ("dial", "(48) 3283-0151", "4000", "+554832830151", "(48) 3283-0151", True),
    ("link", "tel:+551140044000", "4000", "+551140044000", "(11) 4004-4000", False),
    ("link", "callto:+556132123456", "4000", "+556132123456", "(61) 3212-3456", True),
    ("dial", "(21) 2345-6789", "4001", "+552123456789", "(21) 2345-6789", False),
    ("dial", "+55 31 3456-7890", "4001", "+553134567890", "(31) 3456-7890", True),
    ("link", "tel:+55-51-3210-4567", "4000", "+555132104567", "(51) 3210-4567", False),
    ("link", "tel:+5541987650001", "4000", "+5541987650001", "(41) 98765-0001", True),
    ("dial", "(85) 3456-7891", "4002", "+558534567891", "(85) 3456-7891", False),
    ("dial", "(11) 98765-4321", "4000", "+5511987654321", "(11) 98765-4321", True),
    ("link", "callto:+557133210987", "4000", "+557133210987", "(71) 3321-0987", False),
]


def test_ten_outside_dials_alternately_confirmed_and_cancelled(desk):
    expected_calls = []
    for step, (how, text, ramal, e164, display, confirm) in enumerate(DAY, 1):
        where = f"step {step}: {how} {text!r} ({'confirm' if confirm else 'cancel'})"
        mark = desk.mark()
        if how == "dial":
            command = desk.dial(text, *(["--ramal", ramal] if ramal != "4000" else []))
        else:
            command = desk.link(text)

        window = desk.wait_for_new_confirmation()
        assert desk.confirmations() == [window], where   # one question at a time here
        assert desk.x.window_name(window) == "Confirm call — tvdesk"
        desk.wait_for_log(f"asked the person to confirm a call from {'cli' if how == 'dial' else how}",
                          after=mark)
        assert not command.done(), f"{where}: answered before the person did"
        desk.answer(window, call=confirm)

        result = command.wait(60)
        desk.wait_for_log(f"the person answered a dial confirmation: {'yes' if confirm else 'no'}",
                          after=mark)
        if confirm:
            assert result.returncode == 0, (where, result.stdout, result.stderr)
            if how == "dial":
                assert result.stdout.strip() == f"Calling {display} from extension {ramal}…", where
            assert result.stderr == "", where
            desk.wait_for_log(f"told the person: Calling {display} from extension {ramal}…",
                              after=mark)
            expected_calls.append((ramal, e164))
            desk.follow_floating_call(ramal, display, after=mark)
        else:
            assert result.returncode == 8, (where, result.stdout, result.stderr)
            assert result.stdout == "", where
            assert result.stderr.strip() == "tvdesk: Call cancelled.", where
            desk.wait_for_log("told the person: Call cancelled.", after=mark)
            assert not desk.windows(f"Extension {ramal} "), where
            assert not any(t.startswith("Calling") for t in desk.told(mark)), where
        # The API saw exactly the confirmed dials so far, in order, and nothing else.
        assert desk.dialled() == expected_calls, where

    assert len(expected_calls) == 5
    assert all(r.query.get("fechar_fim") == ["true"] for r in desk.webphone_calls())
    told = desk.told()
    assert told.count("Call cancelled.") == 5
    assert sum(t.startswith("Calling ") for t in told) == 5
    assert desk.log().count("the person answered a dial confirmation:") == 10
    assert not desk.confirmations()
    assert desk.app.alive()
    desk.quit()
    assert desk.app.process.returncode == 0
    desk.assert_nothing_unexpected()
