"""4. Idle CPU: CPU time (utime + stime from /proc/<pid>/stat) of the app and all its
helper processes over a window of idle in the tray (60 s; 15 s with --quick), floating
and hidden types. The apps run side by side (their own homes): one floating, and one
hidden phone per microphone mode of the sandbox page (`--mic-mode`: "connect", the page
holds the microphone from the moment it connects; "call", only during calls), each hidden
one against its own sandbox. They are measured after SETTLE s of rest: for hidden, from
"hidden webphone of 4000: connected". Processes born during the window count from zero.
The figure is % of one core over the window.

The whole process tree of each app counts (the phone process, QtWebEngineProcess and its
zygotes, renderers, utility processes). For a hidden phone two figures are given apart:
everything except Chromium's audio service (`--utility-sub-type=audio.mojom.AudioService`,
issue 12's ≤ 1% target), and the audio service alone. The microphone is the run's
`--microphone` source (bench/audio.py); with `null-sink` the PulseAudio server's own CPU
(outside the app's tree, shared by the apps) is given too.
"""

from __future__ import annotations

import time

from common import (
    BenchContext,
    Failed,
    Row,
    Sandbox,
    app_env,
    cmdline,
    cpu_seconds,
    failed_row,
    note,
    process_tree,
    renderer_pids,
    start_ready_app,
    write_settings,
)

SETTLE = 10.0
AUDIO_SERVICE = "audio service"


def _kind(pid: int, app_pid: int, renderers: list[int]) -> str:
    if pid == app_pid:
        return "app"
    line = cmdline(pid)
    if pid in renderers:
        return "renderer"
    for marker, name in (("--type=renderer", "renderer"), ("--type=zygote", "zygote"),
                         ("AudioService", AUDIO_SERVICE), ("--type=gpu", "gpu"),
                         ("--type=utility", "utility"), ("--phone-process", "phone process"),
                         ("tvdesk.phone.process_child", "phone process"),
                         ("QtWebEngineProcess", "web engine")):
        if marker in line:
            return name
    return "other"


def _usage(app_pid: int, before: dict[int, float], window: float) -> tuple[float, float, dict]:
    now = {p: cpu_seconds(p) for p in process_tree(app_pid)}
    by_kind: dict[str, float] = {}
    total = 0.0
    renderers = renderer_pids(app_pid)
    for pid, seconds in now.items():
        used = seconds - before.get(pid, 0.0)
        total += used
        kind = _kind(pid, app_pid, renderers)
        by_kind[kind] = by_kind.get(kind, 0.0) + used
    app = now.get(app_pid, 0.0) - before.get(app_pid, 0.0)
    return total / window * 100, app / window * 100, by_kind


def _sandbox(ctx: BenchContext, mic_mode: str) -> Sandbox:
    try:
        return Sandbox(ctx.cleanup, mic_mode=mic_mode)
    except TypeError as error:   # --rev of a commit whose sandbox has no mic_mode
        if mic_mode == "connect":
            return Sandbox(ctx.cleanup)
        raise Failed(f"this sandbox has no mic_mode: {error}") from error


def run(ctx: BenchContext) -> list[Row]:
    window = 15.0 if ctx.quick else 60.0
    microphone = ctx.microphone
    source = microphone.description if microphone is not None else "as the environment gives"
    apps, failures = {}, {}
    for mode in ("floating", *(f"hidden-{m}" for m in ctx.mic_modes)):
        try:
            if mode == "floating":
                sandbox = _sandbox(ctx, "connect")
            else:
                sandbox = _sandbox(ctx, mode.split("-", 1)[1])
        except Failed as error:
            failures[mode] = str(error)
            continue
        home = ctx.cleanup.tempdir(f"idle-{mode}")
        write_settings(home, sandbox.base_url, hidden=[] if mode == "floating" else ["4000"])
        apps[mode] = start_ready_app(ctx, home, app_env(ctx, sandbox.token))[0]
    try:
        for mode, app in apps.items():
            if mode != "floating":
                app.wait_log("hidden webphone of 4000: connected", timeout=60)
        time.sleep(SETTLE)
        before = {mode: {p: cpu_seconds(p) for p in process_tree(app.pid)}
                  for mode, app in apps.items()}
        server_before = microphone.server_cpu_seconds() if microphone is not None else 0.0
        streams = microphone.capture_streams() if microphone is not None else None
        note(f"idle CPU: measuring for {window:.0f} s ({', '.join(apps)}; microphone: {source})")
        time.sleep(window)
        usage = {mode: _usage(app.pid, before[mode], window) for mode, app in apps.items()}
        server = ((microphone.server_cpu_seconds() - server_before) / window * 100
                  if microphone is not None and microphone.server_pids() else None)
        helpers = {mode: len(process_tree(app.pid)) - 1 for mode, app in apps.items()}
        sessions = {mode: app.count_log("webphone event status_erro") for mode, app in apps.items()}
    finally:
        for app in apps.values():
            app.stop()

    rows = []
    for mode in ("floating", *(f"hidden-{m}" for m in ctx.mic_modes)):
        if mode in failures:
            rows.append(failed_row(f"Idle CPU over {window:.0f} s: {mode}", failures[mode]))
            continue
        total, app_only, by_kind = usage[mode]
        detail = ", ".join(f"{k} {v / window * 100:.2f}%" for k, v in
                           sorted(by_kind.items(), key=lambda kv: -kv[1]) if v > 0) or "nothing"
        if mode == "floating":
            rows.append(Row(f"Idle CPU over {window:.0f} s: floating", f"{total:.2f}% of a core",
                            f"app {app_only:.2f}%; {helpers[mode]} helper process(es); {detail}",
                            "< 0.5% of one core", "yes" if total < 0.5 else "no"))
            continue
        mic_mode = mode.split("-", 1)[1]
        audio = by_kind.get(AUDIO_SERVICE, 0.0) / window * 100
        rest = total - audio
        errors = f"; {sessions[mode]} status_erro in its log" if sessions[mode] else ""
        label = {"connect": "page holds the microphone from connecting",
                 "call": "page takes the microphone only during calls"}[mic_mode]
        rows.append(Row(f"Idle CPU over {window:.0f} s: hidden, mic {mic_mode} ({label})",
                        f"{total:.2f}% of a core",
                        f"app {app_only:.2f}%; {helpers[mode]} helper process(es); {detail}"
                        f"{errors}; microphone: {source}", "(report cost)", ""))
        rows.append(Row(f"Idle CPU over {window:.0f} s: hidden, mic {mic_mode}, without the "
                        "audio service", f"{rest:.2f}% of a core", "", "≤ 1% of a core",
                        "yes" if rest <= 1 else "no",
                        target_key="hidden_idle_cpu_percent", figure=round(rest, 3)))
        rows.append(Row(f"Idle CPU over {window:.0f} s: hidden, mic {mic_mode}, the audio "
                        "service alone", f"{audio:.2f}% of a core",
                        "no audio service process" if AUDIO_SERVICE not in by_kind else "",
                        "(report)", "", target_key="hidden_audio_service_cpu_percent",
                        figure=round(audio, 3)))
    if server is not None:
        rows.append(Row(f"Idle CPU over {window:.0f} s: the bench's PulseAudio server",
                        f"{server:.2f}% of a core",
                        f"outside the apps' trees, shared by them; {streams} capture "
                        "stream(s) open on it at the start of the window", "", ""))
    return rows
