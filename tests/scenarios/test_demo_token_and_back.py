"""From the demo to a real account and back, twice, in one run of the app: the token is
entered in the main window's dialog (checked with the API, kept in the keyring) and
forgotten in Settings; each time, dials go where the person now expects them to."""

import pytest
from support.xserver import wait_until

from tvdesk.core.token_store import SERVICE, USERNAME

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

NUMBER = "(48) 3283-0151"
E164 = "+554832830151"
CALLING = f"Calling {NUMBER} from extension 4000…"
DEMO_TITLE = "tvdesk — demo (sandbox)"
KEYRING_ENTRY = f"{SERVICE}/{USERNAME}"


def wait_for_title(desk, title):
    assert wait_until(lambda: desk.x.window_name(desk.wait_for_main_window()) == title, 10), \
        f"the main window is titled {desk.x.window_name(desk.main_window())!r}, not {title!r}"


def dial(desk, where):
    """`tvdesk dial NUMBER --yes`: the call goes out on 4000 and its window shows it."""
    mark = desk.mark()
    result = desk.dial(NUMBER, "--yes").wait(60)
    assert result.returncode == 0, (where, result.stdout, result.stderr)
    assert result.stdout.strip() == CALLING, where
    desk.wait_for_log(f"told the person: {CALLING}", after=mark)
    desk.follow_floating_call("4000", NUMBER, after=mark)


def test_demo_token_forget_and_demo_again_twice(make_desk):
    desk = make_desk()
    sandbox = desk.sandbox
    del desk.env["TVDESK_TOKEN"]   # nothing set up yet: tvdesk starts in demo mode
    desk.start(api_base=False, minimized=False)
    desk.wait_for_log("tvdesk ready (demo sandbox)")
    wait_for_title(desk, DEMO_TITLE)
    expected_calls = []

    for round_ in (1, 2):
        where = f"round {round_}"
        # 1. The demo banner's "Enter Access-Token…" (Alt+A) opens the token dialog.
        mark = desk.mark()
        desk.press(desk.wait_for_main_window(), "alt+a")
        dialog = desk.wait_for_window("Access-Token — tvdesk")
        desk.activate(dialog)
        # The API address (an editable list) has the keyboard; then the token; Enter saves.
        desk.keys("ctrl+a")
        desk.type(sandbox.base_url)
        desk.keys("Tab")
        desk.type(sandbox.token)
        desk.keys("Return")
        desk.wait_for_log("told the person: Access-Token saved. Balance: ", after=mark)
        desk.wait_for_window_gone(dialog)
        checks = [r for r in sandbox.requests if r.path.rstrip("/") == "/saldo"]
        assert len(checks) == round_, (where, checks)
        assert checks[-1].headers.get("Access-Token") == sandbox.token, where
        assert desk.keyring() == {KEYRING_ENTRY: sandbox.token}, where
        wait_for_title(desk, "tvdesk")
        assert not any("(error)" in t for t in desk.told(mark)), (where, desk.told(mark))
        desk.wait_for_extensions()   # the account's, imported once the token is in

        # 2. A dial now goes to this account's API.
        dial(desk, where)
        expected_calls.append(("4000", E164))
        assert desk.dialled() == expected_calls, where

        # 3. Settings… (Alt+S), then "Forget Access-Token" (Alt+F): back to the demo.
        mark = desk.mark()
        desk.press(desk.wait_for_main_window(), "alt+s")
        settings = desk.wait_for_window("Settings — tvdesk")
        desk.press(settings, "alt+f")
        desk.wait_for_window_gone(settings)
        desk.wait_for_log("told the person: Access-Token removed from the keyring. "
                          "Demo mode is on.", after=mark)
        wait_for_title(desk, DEMO_TITLE)
        assert KEYRING_ENTRY not in desk.keyring(), where
        assert sandbox.token not in str(desk.keyring()), where

        # 4. A dial now goes to the demo's own sandbox (it runs in the app, and logs
        # there), not to the account's.
        seen_by_account = len(sandbox.requests)
        mark = desk.mark()
        dial(desk, where)
        assert "tvdesk.sandbox: GET /webphone -> 200" in desk.since(mark), where
        assert len(sandbox.requests) == seen_by_account, (where, sandbox.requests[seen_by_account:])
        assert desk.dialled() == expected_calls, where

    assert desk.since(0).count("demo mode: embedded sandbox at") == 3   # at start, and twice more
    assert desk.app.alive()
    desk.assert_nothing_unexpected()
