"""Background (hidden) phones left idle, then rung: run as a process of its own.

    python tests/support/idle_phone.py --idle SECONDS

Chromium's flags are QTWEBENGINE_CHROMIUM_FLAGS as given plus what tvdesk's
`prepare_qt_environment` adds, as in the app. Two of tvdesk's BackgroundPhones run side by
side, each in its host page with no view:

- "sandbox": extension 4000 of the sandbox, whose page learns of a call through
  server-sent events and keeps the microphone open (which alone spares a page
  Chromium's once-a-minute throttling);
- "timer": a webphone that, like a SIP stack's keep-alive and re-registration, works
  from a timer: it asks its server every second whether a call is waiting, and opens
  the microphone only for a call. A throttled hidden page asks once a minute.

After SECONDS of idle, both extensions are rung. Prints one JSON line, per phone:
`visibility` (document.visibilityState), `ring_latency` (seconds from the ring to the
session's incoming_call; null if not within 90 s) and `max_timer_gap` (the longest wait
between two runs of a 1 s timer chain in the page, in seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from tvdesk.ui.qt_environment import prepare_qt_environment  # before Qt starts

HEARTBEAT = """
window.tvdeskBeats = [];
(function beat() { window.tvdeskBeats.push(Date.now()); setTimeout(beat, 1000); })();
"""
MAX_GAP = """
(function () {
  var beats = window.tvdeskBeats.concat([Date.now()]), gap = 0;
  for (var i = 1; i < beats.length; i++) { gap = Math.max(gap, beats[i] - beats[i - 1]); }
  return gap / 1000;
})()
"""

# The timer-driven webphone: its loader script, as the hidden type is hosted, and its page.
TIMER_LOADER = """
var frame = document.createElement('iframe');
frame.src = '/w3/phone';
document.getElementById('widget-evoline-api-container').appendChild(frame);
"""
TIMER_PHONE = """<!doctype html><html><body><script>
function post(message) { parent.postMessage(message, '*'); }
post({message: 'status', status: 'conectado'});
var rung = false;
(function ask() {
  fetch('/w3/poll', {cache: 'no-store'}).then((r) => r.text()).then((text) => {
    if (text && !rung) {
      rung = true;
      post({message: 'chegandoChamada', numeroChegando: text, chamadaRecebidaId: 1});
      post({message: 'status', status: 'chamando'});
    }
  }).catch(() => {}).finally(() => setTimeout(ask, 1000));
})();
</script></body></html>"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=70.0, help="seconds idle before the ring")
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for note in prepare_qt_environment(quiet=True):
        print(note, file=sys.stderr)

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from support.page_server import PageServer
    from tvdesk.core.api import TotalVoiceClient
    from tvdesk.ops import BackgroundRunner
    from tvdesk.phone.background_host import BackgroundPhone
    from tvdesk.phone.profile import create_web_profile
    from tvdesk.sandbox.server import SandboxConfig, SandboxServer

    app = QApplication([])

    def wait(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(int(seconds * 1000), loop.quit)
        loop.exec()

    def evaluate(page, script: str):
        results: list = []
        page.runJavaScript(script, 0, results.append)
        deadline = time.monotonic() + 10
        while not results and time.monotonic() < deadline:
            wait(0.05)
        return results[0] if results else None

    sandbox = SandboxServer(SandboxConfig(token="idle-phone", ring_timeout=0), host="127.0.0.1",
                            port=0).start()
    timer_server = PageServer({"/w3": TIMER_LOADER, "/w3/phone": TIMER_PHONE, "/w3/poll": ""})
    runner = BackgroundRunner()

    def sandbox_url(on_url, on_error) -> None:
        def work() -> str:
            with TotalVoiceClient(sandbox.base_url, sandbox.token) as client:
                return client.webphone_url(ramal="4000", tipo="hidden")
        runner.run(work, on_url, on_error)

    def timer_url(on_url, on_error) -> None:
        on_url(timer_server.url("/w3?key=idle&tipo=hidden"))

    def ring_sandbox() -> None:
        sandbox.incoming_call("4000", "+554832830151")

    def ring_timer() -> None:
        timer_server.pages["/w3/poll"] = "+554832830151"

    report: dict[str, object] = {"idle": args.idle}
    with tempfile.TemporaryDirectory() as folder:
        profile = create_web_profile(Path(folder) / "web")
        phones = {}
        rang: dict[str, float] = {}
        for name, ramal, fetch in (("sandbox", "4000", sandbox_url), ("timer", "4001", timer_url)):
            phone = BackgroundPhone(ramal, fetch, lambda: profile, lambda url: None)

            def watch(session, name=name) -> None:
                session.incoming_call.connect(
                    lambda *_: rang.setdefault(name, time.monotonic()))

            phone.session_created.connect(watch)
            phone.start()
            phones[name] = phone
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(
                p.connection != "connected" for p in phones.values()):
            wait(0.1)
        for name, phone in phones.items():
            if phone.connection != "connected" or phone.session is None:
                print(f"the {name} phone did not connect ({phone.connection})", file=sys.stderr)
                return 1
            phone.session.page.runJavaScript(HEARTBEAT)
        wait(args.idle)
        for name, ring in (("sandbox", ring_sandbox), ("timer", ring_timer)):
            page = phones[name].session.page
            entry = {"visibility": evaluate(page, "document.visibilityState"),
                     "max_timer_gap": evaluate(page, MAX_GAP)}
            rung = time.monotonic()
            ring()
            while name not in rang and time.monotonic() - rung < 90:
                wait(0.01)
            entry["ring_latency"] = round(rang[name] - rung, 3) if name in rang else None
            report[name] = entry
        for phone in phones.values():
            phone.stop()
        runner.wait()
        wait(0.5)   # the pages go (deleteLater) before their profile
        del phone
    app.processEvents()
    sandbox.stop()
    timer_server.stop()
    print(json.dumps(report), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
