"""Can Qt WebEngine capture a microphone on this machine? A rerunnable probe.

    .venv/bin/python bench/microphone_probe.py                       # as the environment is
    .venv/bin/python bench/microphone_probe.py --microphone null-sink  # start a PulseAudio
    .venv/bin/python bench/microphone_probe.py --microphone silent-file
    .venv/bin/python bench/microphone_probe.py --microphone fake

Loads a page (served from 127.0.0.1, a secure context) that calls
`getUserMedia({audio: true})` in a QWebEnginePage that grants the microphone, and prints
one line of JSON: whether it succeeded, the track's label, the devices the page saw, and
the error when it failed. `--microphone` sets up the source the same way the bench does
(bench/audio.py); without it the probe uses whatever the environment gives
(PULSE_SERVER, XDG_RUNTIME_DIR, QTWEBENGINE_CHROMIUM_FLAGS…). Exit code 0 on success,
1 when getUserMedia failed, 2 when the probe itself could not run.

Runs offscreen (no display needed); the Chromium sandbox is off when run as root.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

PAGE = b"""<!doctype html><html><head><meta charset="utf-8"></head><body><script>
(async function () {
  const result = {ok: false};
  try {
    const stream = await navigator.mediaDevices.getUserMedia({audio: true});
    const track = stream.getAudioTracks()[0];
    result.ok = true;
    result.label = track ? track.label : null;
    result.settings = track ? track.getSettings() : null;
    // a few ms of real capture: is audio flowing?
    const ctx = new AudioContext();
    const analyser = ctx.createAnalyser();
    ctx.createMediaStreamSource(stream).connect(analyser);
    await new Promise(r => setTimeout(r, 700));
    const data = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(data);
    result.peak = Math.max(...data.map(Math.abs));
    result.audio_context = ctx.state;
    stream.getTracks().forEach(t => t.stop());
    await ctx.close();
  } catch (e) {
    result.error = (e && e.name ? e.name + ": " : "") + (e && e.message ? e.message : String(e));
  }
  try {
    result.devices = (await navigator.mediaDevices.enumerateDevices())
      .filter(d => d.kind === "audioinput").map(d => d.label || d.deviceId);
  } catch (e) { result.devices = "enumerateDevices failed: " + e; }
  console.log("PROBE " + JSON.stringify(result));
})();
</script></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args) -> None:
        pass


def probe(timeout: float) -> dict:
    """Run the page in this process (Qt must not be imported yet) and return its result."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer, QUrl
    from PySide6.QtWebEngineCore import (
        QWebEnginePage,
        QWebEnginePermission,
        QWebEngineProfile,
    )
    from PySide6.QtWidgets import QApplication

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    result: dict = {"ok": False, "error": f"no answer from the page within {timeout:.0f} s"}
    console: list[str] = []

    class Page(QWebEnginePage):
        def javaScriptConsoleMessage(self, level, message, line, source):
            if message.startswith("PROBE "):
                result.clear()
                result.update(json.loads(message[len("PROBE "):]))
                app.quit()
            else:
                console.append(message)

    profile = QWebEngineProfile()   # off the record: nothing written to disk
    page = Page(profile)

    def on_permission(permission: QWebEnginePermission) -> None:
        if permission.permissionType() == QWebEnginePermission.PermissionType.MediaAudioCapture:
            permission.grant()
        else:
            permission.deny()

    page.permissionRequested.connect(on_permission)
    page.load(QUrl(f"http://127.0.0.1:{server.server_address[1]}/"))
    QTimer.singleShot(int(timeout * 1000), app.quit)
    app.exec()
    page.deleteLater()
    server.shutdown()
    if console:
        result["console"] = console[-5:]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--microphone", choices=("null-sink", "silent-file", "fake", "none"),
                        default="none",
                        help="set up this source first (as the bench does); default: none, "
                             "use the environment as it is")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child or args.microphone == "none":
        try:
            result = probe(args.timeout)
        except Exception as error:  # noqa: BLE001 - one line of JSON, never a traceback
            print(json.dumps({"ok": False, "error": f"probe failed: {error!r}"}))
            return 2
        print(json.dumps(result, ensure_ascii=False))
        return 0 if result.get("ok") else 1

    # Set the source up, then run the probe in a child with that environment (Chromium
    # reads its flags and the audio environment once, at start).
    sys.path.insert(0, str(BENCH_DIR))
    from audio import Microphone
    from common import Cleanup, Failed

    cleanup = Cleanup()
    try:
        try:
            mic = Microphone(args.microphone, cleanup).start()
        except Failed as error:
            print(json.dumps({"ok": False, "microphone": args.microphone,
                              "error": f"could not set up the source: {error}"}))
            return 2
        env = mic.environ(dict(os.environ))
        print(f"# source: {mic.description}", file=sys.stderr)
        for name in ("PULSE_SERVER", "PULSE_RUNTIME_PATH", "XDG_RUNTIME_DIR",
                     "QTWEBENGINE_CHROMIUM_FLAGS", "TVDESK_FAKE_MICROPHONE"):
            if name in env:
                print(f"# {name}={env[name]}", file=sys.stderr)
        child = subprocess.run([sys.executable, __file__, "--child", "--timeout",
                                str(args.timeout)], env=env, stdout=subprocess.PIPE,
                               text=True, timeout=args.timeout + 30)
        line = (child.stdout.strip().splitlines() or ["{}"])[-1]
        try:
            result = json.loads(line)
        except ValueError:
            result = {"ok": False, "error": f"bad probe output: {line[:200]}"}
        result["microphone"] = args.microphone
        result["source"] = mic.description
        if mic.server_sources:
            result["server_sources"] = mic.server_sources()
        print(json.dumps(result, ensure_ascii=False))
        return 0 if result.get("ok") else 1
    finally:
        cleanup.close()


if __name__ == "__main__":
    sys.exit(main())
