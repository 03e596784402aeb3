"""A link arrives while a confirmation is still open: two questions on screen, each
answering its own dial, whatever order the person answers them in."""

import pytest

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

FIRST = ("(48) 3283-0151", "+554832830151")
SECOND = ("(21) 2345-6789", "+552123456789")


def test_a_link_during_an_open_confirmation_answered_in_the_opposite_order(desk):
    rounds = [
        # (first comes from, second comes from, which one the person confirms, cancel key)
        ("dial", "link", "first", "Escape"),
        ("link", "dial", "first", "Return"),   # Enter: Cancel is the default button
        ("link", "link", "second", "Escape"),
    ]
    expected_calls = []
    for number, (first_how, second_how, confirmed, cancel_key) in enumerate(rounds, 1):
        where = f"round {number}: {first_how} then {second_how}, confirm the {confirmed}"
        mark = desk.mark()

        def send(how, display, e164):
            return desk.dial(display) if how == "dial" else desk.link(f"tel:{e164}")

        first = send(first_how, *FIRST)
        first_window = desk.wait_for_new_confirmation()
        second = send(second_how, *SECOND)
        second_window = desk.wait_for_new_confirmation(known=[first_window])
        assert sorted(desk.confirmations()) == sorted([first_window, second_window]), where
        assert desk.since(mark).count("asked the person to confirm a call from") == 2, where

        # The later question is answered first: cancelled (in rounds 1-2) or confirmed.
        if confirmed == "first":
            desk.answer(second_window, call=False, key=cancel_key)
            cancelled, called = second, first
            cancelled_window, called_window = second_window, first_window
            display, e164 = FIRST
        else:
            desk.answer(second_window, call=True)
            cancelled, called = first, second
            cancelled_window, called_window = first_window, second_window
            display, e164 = SECOND

        if confirmed == "first":
            result = cancelled.wait(30)
            assert (result.returncode, result.stderr.strip()) == (8, "tvdesk: Call cancelled."), where
            # The other dial still waits for its own answer, its question still open.
            assert not called.done(), where
            assert desk.confirmations() == [called_window], where
            assert desk.dialled() == expected_calls, where
            desk.answer(called_window, call=True)
        else:
            called_result = called.wait(30)
            assert called_result.returncode == 0, (where, called_result.stderr)
            assert not cancelled.done(), where
            # The phone window opened; the older question is still there, on top.
            assert desk.confirmations() == [cancelled_window], where
            desk.answer(cancelled_window, call=False, key=cancel_key)

        called_result, cancelled_result = called.wait(30), cancelled.wait(30)
        assert called_result.returncode == 0, (where, called_result.stdout, called_result.stderr)
        if "dial" in called.args:
            assert called_result.stdout.strip() == f"Calling {display} from extension 4000…", where
        assert cancelled_result.returncode == 8, (where, cancelled_result.stderr)
        assert cancelled_result.stderr.strip() == "tvdesk: Call cancelled.", where

        expected_calls.append(("4000", e164))
        desk.follow_floating_call("4000", display, after=mark)
        answers = [line.rsplit(": ", 1)[1] for line in desk.since(mark).splitlines()
                   if "the person answered a dial confirmation" in line]
        assert sorted(answers) == ["no", "yes"], (where, answers)
        told = desk.told(mark)
        assert told.count("Call cancelled.") == 1, (where, told)
        assert [t for t in told if t.startswith("Calling")] == \
            [f"Calling {display} from extension 4000…"], (where, told)
        assert desk.dialled() == expected_calls, where
        assert not desk.confirmations(), where

    assert desk.app.alive()
    desk.assert_nothing_unexpected()
