"""A day of calls with pauses between them: the phone process (Qt WebEngine) starts for a
call or a sign of intent, shows the call window on the real X display, and is gone a
while after the last call; the tray process stays small and answers throughout."""

import pytest
from support.processes import children
from support.xserver import wait_until

pytestmark = [pytest.mark.scenario, pytest.mark.webengine]

LINGER = 2   # seconds the phone process stays after the last call (phone_process_linger)

# (how the call arrives, what is passed, the API's ligar_para, the window's title)
CALLS = [
    ("dial", "(48) 3283-0151", "+554832830151", "Extension 4000 → (48) 3283-0151"),
    ("link", "tel:+551140044000", "+551140044000", "Extension 4000 → (11) 4004-4000"),
    ("intent", "", "", ""),        # the person brings the app up, then calls nobody
    ("dial", "(21) 2345-6789", "+552123456789", "Extension 4000 → (21) 2345-6789"),
    ("dial", "(48) 3283-0151", "+554832830151", "Extension 4000 → (48) 3283-0151"),
]


def test_calls_with_pauses_start_and_end_the_phone_process(make_desk):
    desk = make_desk()
    desk.write_settings(phone_process_linger=LINGER, fechar_fim=True, default_ramal="4000",
                        extensions=[{"ramal": "4000", "nome": "Recepção", "tipo": "floating"}])
    desk.start()
    tray = desk.app.process.pid
    assert children(tray) == []                       # nothing but the tray at rest
    asked = []
    for step, (how, text, e164, title) in enumerate(CALLS, 1):
        where = f"step {step}: {how} {text!r}"
        mark = desk.mark()
        if how == "intent":
            assert desk.run().wait(30).returncode == 0, where   # a second start: the window
            desk.wait_for_log("starting the phone process", after=mark)
            desk.wait_for_log("phone process exited", after=mark, timeout=30)
            continue
        command = desk.dial(text, "--yes") if how == "dial" else desk.link(text)
        if how == "link":
            desk.answer(desk.wait_for_new_confirmation(), call=True)
        result = command.wait(60)
        assert result.returncode == 0, (where, result.stdout, result.stderr)
        asked.append(e164)
        desk.wait_for_log("starting the phone process", after=mark)
        # The call window is on the screen, shown by the phone process, not by the tray.
        windows = wait_until(lambda: desk.windows("Extension 4000"), 30)
        assert windows, f"{where}: no call window\n{desk.since(mark)[-2000:]}"
        window = next(iter(windows))
        assert windows[window].startswith(title), (where, windows)
        owner = int(desk.x.xdotool("getwindowpid", window).strip())
        assert owner != tray and owner in children(tray), where
        # The sandbox ends the call; the window closes itself (fechar_fim), then the
        # phone process goes after the linger, and with it every Chromium helper.
        desk.wait_for_log("phone window for 4000 closed", after=mark, timeout=30)
        assert wait_until(lambda: not desk.windows("Extension 4000"), 10), where
        assert "The webphone of extension 4000 was closed." in desk.told(mark), where
        desk.wait_for_log("phone process exited", after=mark, timeout=30)
        assert wait_until(lambda: children(tray) == [], 10), where
    calls = [r.query.get("ligar_para", [""])[0] for r in desk.sandbox.requests
             if r.path.rstrip("/") == "/webphone"]
    assert calls == asked                              # each call asked once, nothing more
    assert desk.log().count("starting the phone process") == len(CALLS)
    assert "Traceback" not in desk.log()
