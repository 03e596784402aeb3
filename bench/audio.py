"""The microphone the bench gives the app: a real audio server's source, or Chromium's fakes.

Sources (`--microphone`):

- `null-sink`: a PulseAudio started by the bench (Debian's `pulseaudio`, run as whoever
  runs the bench, root included, in a temp runtime dir; no D-Bus, no session). It has one
  null sink, and the app captures from that sink's monitor through `module-remap-source`.
  The remap is needed: Chromium's PulseAudio backend leaves every monitor source out of
  its input devices (`audio_manager_pulse.cc`: "Exclude output monitor (i.e. loopback)
  devices"), so with a bare null sink getUserMedia fails with NotFoundError. The app is
  pointed at it with PULSE_SERVER and told not to use the fake device
  (TVDESK_FAKE_MICROPHONE=0; tvdesk would otherwise turn the fake device on because
  there is no /dev/snd). Chromium then opens a real PulseAudio capture stream: the
  audio service's cost is what it is on a desktop with an idle microphone.
- `silent-file`: Chromium's fake capture device reading a silent WAV the bench writes
  (`--use-fake-device-for-media-stream --use-file-for-fake-audio-capture=<wav>`). No
  audio server; the closest stand-in when PulseAudio is not installed.
- `fake`: Chromium's fake device as tvdesk sets it on a machine without a sound card (a
  synthesised beeping stream). What sessions 1 and 2 measured.

`auto` picks `null-sink` when `pulseaudio` is installed, else `silent-file`.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import wave
from pathlib import Path

from common import Cleanup, Failed, cpu_seconds, note

CHOICES = ("auto", "null-sink", "silent-file", "fake")
FAKE_FLAG = "--use-fake-device-for-media-stream"
FILE_FLAG = "--use-file-for-fake-audio-capture"
SOURCE_NAME = "tvdesk_bench_mic"

DESCRIPTIONS = {
    "null-sink": "pulseaudio null-sink monitor (module-remap-source)",
    "silent-file": "silent WAV via Chromium fake capture",
    "fake": "Chromium fake device (beeping)",
}

# -n: no default.pa (no hardware probing, no X11/D-Bus modules); only what the bench needs.
PULSE_SCRIPT = "\n".join([
    "load-module module-native-protocol-unix socket={socket} auth-anonymous=1",
    "load-module module-null-sink sink_name=tvdesk_bench_null"
    " sink_properties=device.description=tvdesk-bench-null-sink",
    "load-module module-remap-source source_name={source} master=tvdesk_bench_null.monitor"
    " source_properties=device.description=tvdesk-bench-microphone",
    "set-default-sink tvdesk_bench_null",
    "set-default-source {source}",
    ""])


def resolve(choice: str) -> str:
    if choice == "auto":
        return "null-sink" if shutil.which("pulseaudio") else "silent-file"
    return choice


def write_silent_wav(path: Path, seconds: float = 10.0, rate: int = 48000) -> Path:
    """Mono 16-bit PCM silence; Chromium loops the file."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack("<h", 0) * int(seconds * rate))
    return path


class Microphone:
    """One source for the whole bench run; `environ()` adapts an app's environment."""

    def __init__(self, choice: str, cleanup: Cleanup) -> None:
        if choice not in CHOICES:
            raise ValueError(f"unknown microphone {choice!r}")
        self.kind = resolve(choice)
        self.cleanup = cleanup
        self.description = DESCRIPTIONS[self.kind]
        self.server: subprocess.Popen | None = None
        self.socket = ""
        self.wav: Path | None = None

    # ------------------------------------------------------------------ setup

    def start(self) -> Microphone:
        if self.kind == "null-sink":
            self._start_pulseaudio()
        elif self.kind == "silent-file":
            self.wav = write_silent_wav(self.cleanup.tempdir("mic") / "silence.wav")
        return self

    def _start_pulseaudio(self) -> None:
        binary = shutil.which("pulseaudio")
        if not binary:
            raise Failed("pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)")
        base = self.cleanup.tempdir("pulse")
        runtime = base / "runtime"
        (runtime / "pulse").mkdir(parents=True, mode=0o700)
        runtime.chmod(0o700)
        (base / "home").mkdir(mode=0o700)
        self.socket = str(runtime / "pulse" / "native")
        script = base / "bench.pa"
        script.write_text(PULSE_SCRIPT.format(socket=self.socket, source=SOURCE_NAME))
        env = self._pulse_env(dict(os.environ), base)
        log = open(base / "pulseaudio.log", "wb")
        self.cleanup.callbacks.append(log.close)
        # Run as root too (it warns, and works): no --system, which needs a pulse user.
        self.server = self.cleanup.spawn(
            [binary, "-n", "-F", str(script), "--daemonize=no", "--exit-idle-time=-1",
             "--use-pid-file=no", "--log-target=stderr", "--log-level=warning"],
            env=env, cwd=str(base), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                tail = (base / "pulseaudio.log").read_text(errors="replace")[-300:]
                raise Failed(f"pulseaudio exited ({self.server.returncode}): {tail}")
            if os.path.exists(self.socket) and self._ready():
                note(f"microphone: pulseaudio {self.server.pid} at {self.socket}")
                return
            time.sleep(0.05)
        raise Failed("pulseaudio did not open its socket within 10 s")

    def _pulse_env(self, env: dict[str, str], base: Path) -> dict[str, str]:
        env.update({"HOME": str(base / "home"), "XDG_RUNTIME_DIR": str(base / "runtime"),
                    "PULSE_RUNTIME_PATH": str(base / "runtime" / "pulse"),
                    "PULSE_STATE_PATH": str(base / "state")})
        for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "PULSE_SERVER"):
            env.pop(name, None)
        return env

    def _ready(self) -> bool:
        return SOURCE_NAME in self.server_sources()

    def _pactl_list(self, what: str) -> str:
        if not self.socket or not shutil.which("pactl"):
            return ""
        try:
            return subprocess.run(["pactl", "--server", f"unix:{self.socket}", "list", "short",
                                   what], capture_output=True, text=True,
                                  timeout=5).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    def server_sources(self) -> str:
        """`pactl list short sources` of the bench's server ('' when none or no pactl)."""
        return self._pactl_list("sources")

    def capture_streams(self) -> int | None:
        """Capture streams clients opened on the bench's server now (None: no server or no
        pactl). module-remap-source's own stream on the monitor (no client) is not one."""
        if not self.server_pids() or not shutil.which("pactl"):
            return None
        rows = [line.split("\t") for line in self._pactl_list("source-outputs").splitlines()]
        return len([row for row in rows if len(row) > 2 and row[2] != "-"])

    # ------------------------------------------------------------------ use

    def environ(self, env: dict[str, str]) -> dict[str, str]:
        """`env` for an app (or the probe) that must capture from this source."""
        flags = [w for w in env.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
                 if w != FAKE_FLAG and not w.startswith(FILE_FLAG)]
        if self.kind == "null-sink":
            env["TVDESK_FAKE_MICROPHONE"] = "0"
            env["PULSE_SERVER"] = f"unix:{self.socket}"
        else:
            env["TVDESK_FAKE_MICROPHONE"] = "1"
            env.pop("PULSE_SERVER", None)
            flags.append(FAKE_FLAG)
            if self.kind == "silent-file":
                flags.append(f"{FILE_FLAG}={self.wav}")
        if flags:
            env["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
        else:
            env.pop("QTWEBENGINE_CHROMIUM_FLAGS", None)
        return env

    def server_pids(self) -> list[int]:
        return [self.server.pid] if self.server is not None and self.server.poll() is None else []

    def server_cpu_seconds(self) -> float:
        return sum(cpu_seconds(p) for p in self.server_pids())
