"""3. Memory: idle in the tray, during a call, and after N dial/close cycles.

PSS (from /proc/<pid>/smaps_rollup) of the app process and of the app plus every
descendant (QtWebEngineProcess: zygotes, GPU/utility, renderers); RSS when smaps_rollup is
missing (the row says which). Floating webphone type, the app in the tray.

- minimal tray: bench/minimal_tray.py alone (before tvdesk starts: PSS splits shared Qt
  pages between processes that map them), IDLE_AFTER s after it is shown.
- idle: IDLE_AFTER s after ready (`tvdesk --minimized`), before any call; the ratio to
  the minimal tray is `idle_pss_ratio`.
- during a call: once the page reports "conversando" (hang-up set to 3 s for that call).
- after the first call: the window closed by itself, SETTLE s later. The web engine is
  loaded from here on, so this is the base of the leak figure.
- after the first call + 60 s idle: AFTER_CALL_IDLE s after its window closed; the ratio
  to the minimal tray is `idle_pss_ratio_after_call`.
- after N cycles (100; 20 with --quick): dial, answer after 0.2 s, hang up after 0.3 s,
  window closes (fechar_fim), next; SETTLE s after the last.
Leak = growth of the app+helpers PSS from "after the first call" to "after N cycles".
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time

from common import (
    BENCH_DIR,
    BenchContext,
    Failed,
    Row,
    Sandbox,
    app_env,
    fmt_mb,
    note,
    renderer_pids,
    start_ready_app,
    tree_memory_kb,
    write_settings,
)

SETTLE = 5.0
IDLE_AFTER = 10.0        # issue 12: idle PSS 10 s after `tvdesk --minimized`
AFTER_CALL_IDLE = 60.0   # issue 12: after one call has come and gone plus 60 s idle


def _snapshot(pid: int) -> tuple[float, float, str, int]:
    app, total, kind = tree_memory_kb(pid)
    return app, total, kind, len(renderer_pids(pid))


def _minimal_tray_kb(ctx: BenchContext) -> tuple[float, str]:
    """PSS of the minimal PySide6 tray program, alone, IDLE_AFTER s after it is shown."""
    process = ctx.cleanup.spawn(
        [sys.executable, str(BENCH_DIR / "minimal_tray.py"), "--stay", str(IDLE_AFTER + 5)],
        env=app_env(ctx), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if not process.stdout.readline().startswith("SHOWN"):
            raise Failed("the minimal tray program printed nothing")
        time.sleep(IDLE_AFTER)
        _app, total, kind = tree_memory_kb(process.pid)
        return total, kind
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(5)


def _ratio_row(metric: str, value_kb: float, baseline_kb: float, key: str) -> Row:
    ratio = value_kb / baseline_kb
    return Row(metric, f"{ratio:.2f}x", f"{fmt_mb(value_kb)} vs minimal tray alone "
               f"{fmt_mb(baseline_kb)}", "≤ 2x minimal tray", "yes" if ratio <= 2 else "no",
               target_key=key, figure=round(ratio, 3))


def run(ctx: BenchContext) -> list[Row]:
    cycles = 20 if ctx.quick else 100
    minimal_kb, _minimal_kind = _minimal_tray_kb(ctx)
    note(f"memory: minimal tray alone {fmt_mb(minimal_kb)}")
    sandbox = Sandbox(ctx.cleanup, answer_after=0.2, hangup_after=0.3)
    home = ctx.cleanup.tempdir("memory")
    write_settings(home, sandbox.base_url)
    app, _ready = start_ready_app(ctx, home, app_env(ctx, sandbox.token))
    try:
        time.sleep(IDLE_AFTER)
        idle = _snapshot(app.pid)

        server = sandbox.server
        short = server.config
        server.config = dataclasses.replace(short, hangup_after=3.0)
        sent = app.dial()
        app.wait_log("webphone event status conversando", after=sent, timeout=30)
        time.sleep(0.5)
        in_call = _snapshot(app.pid)
        closed = app.wait_log("phone window for 4000 closed", after=sent, timeout=30)
        server.config = short
        time.sleep(SETTLE)
        after_first = _snapshot(app.pid)
        note(f"memory: waiting until {AFTER_CALL_IDLE:.0f} s after the first call")
        time.sleep(max(0.0, closed + AFTER_CALL_IDLE - time.time()))
        after_call_idle = _snapshot(app.pid)

        started = time.monotonic()
        for n in range(cycles):
            sent = app.dial()
            app.wait_log("phone window for 4000 closed", after=sent, timeout=30)
            if (n + 1) % 20 == 0:
                note(f"memory: {n + 1}/{cycles} cycles, "
                     f"{(time.monotonic() - started) / (n + 1):.2f} s per cycle")
        time.sleep(SETTLE)
        after = _snapshot(app.pid)
    finally:
        app.stop()

    kind = "PSS" if all(s[2] == "PSS" for s in (idle, in_call, after_first, after)) else "RSS"
    growth = (after[1] - after_first[1]) / after_first[1]
    renderers_ok = after[3] <= after_first[3]
    return [
        Row(f"Memory idle in tray: app ({kind})", fmt_mb(idle[0]), ""),
        Row(f"Memory idle in tray: app + helpers ({kind})", fmt_mb(idle[1]),
            f"{idle[3]} renderer(s), {IDLE_AFTER:.0f} s after ready"),
        Row("Memory: minimal PySide6 tray alone", fmt_mb(minimal_kb), _minimal_kind),
        _ratio_row(f"Memory idle in tray ({kind}) vs minimal tray", idle[1], minimal_kb,
                   "idle_pss_ratio"),
        Row(f"Memory during a call: app + helpers ({kind})", fmt_mb(in_call[1]),
            f"app {fmt_mb(in_call[0])}, {in_call[3]} renderer(s)"),
        Row(f"Memory after 1st call closed: app + helpers ({kind})", fmt_mb(after_first[1]),
            f"app {fmt_mb(after_first[0])}, {after_first[3]} renderer(s)"),
        _ratio_row(f"Memory {AFTER_CALL_IDLE:.0f} s after the 1st call ({kind}) vs minimal "
                   "tray", after_call_idle[1], minimal_kb, "idle_pss_ratio_after_call"),
        Row(f"Memory after {cycles} dial/close cycles: app + helpers ({kind})", fmt_mb(after[1]),
            f"app {fmt_mb(after[0])}, {after[3]} renderer(s); {growth * 100:+.1f}% vs after "
            f"1st call, {(after[1] - idle[1]) / idle[1] * 100:+.0f}% vs tray idle",
            "≤ +10%, renderers back to idle",
            "yes" if growth <= 0.10 and renderers_ok else "no"),
    ]
