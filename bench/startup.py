"""1. Cold start to ready, against a minimal PySide6 tray program in the same run.

"Ready" for both programs is the later of two moments:
- the tray host (bench/fake_tray.py on Xvfb) receives the icon's dock request, and
- the program says so: tvdesk logs "tvdesk tray shown" once its icon is up and its menu
  built from the settings (the first thing it paints); the baseline prints SHOWN from the
  first event-loop turn (QTimer.singleShot(0)).
tvdesk builds its controllers on the next event-loop turn (a menu click made meanwhile is
held and carried out then) and logs "tvdesk ready (…)" when every part is wired: that
moment is reported too, as a second row against the same baseline.
Times run from just before the process is spawned. Runs alternate (baseline, tvdesk, …)
after one discarded warm-up run of each, so both see the same page cache.
"""

from __future__ import annotations

import subprocess
import sys
import time

from common import (
    BENCH_DIR,
    App,
    BenchContext,
    Failed,
    Row,
    Sandbox,
    app_env,
    fmt_s,
    median,
    note,
    spread,
    write_settings,
)


def _baseline(ctx: BenchContext) -> float:
    env = app_env(ctx)
    start = time.time()
    process = ctx.cleanup.spawn([sys.executable, str(BENCH_DIR / "minimal_tray.py")], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        if not line.startswith("SHOWN"):
            raise Failed("the minimal tray program printed nothing")
        if "tray=True" not in line:
            raise Failed("no system tray for the minimal program")
        shown = float(line.split()[1])
        docked = ctx.xsession.wait_dock(start)
        process.wait(10)
        return max(shown, docked) - start
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def _tvdesk(ctx: BenchContext, sandbox: Sandbox, index: int) -> tuple[float, float, float]:
    """Seconds to the tray (docked, menu built), to the dock alone, and to everything wired."""
    home = ctx.cleanup.tempdir(f"start{index}")
    write_settings(home, sandbox.base_url)
    app = App(ctx, home, app_env(ctx, sandbox.token))
    try:
        wired = app.wait_log("tvdesk ready", after=app.started)
        shown = app.wait_log("tvdesk tray shown", after=app.started)
        docked = ctx.xsession.wait_dock(app.started)
        return (max(shown, docked) - app.started, docked - app.started,
                max(wired, docked) - app.started)
    finally:
        app.stop()


def run(ctx: BenchContext) -> list[Row]:
    if ctx.xsession is None:
        raise Failed("needs Xvfb and the tray host")
    reps = 5 if ctx.quick else 15   # cheap runs; the medians of this many are steadier
    sandbox = Sandbox(ctx.cleanup, extra_extensions=2)
    note("startup: warm-up runs")
    _baseline(ctx)
    _tvdesk(ctx, sandbox, 0)
    base, app, dock, wired = [], [], [], []
    for i in range(reps):
        base.append(_baseline(ctx))
        ready, docked, all_wired = _tvdesk(ctx, sandbox, i + 1)
        app.append(ready)
        dock.append(docked)
        wired.append(all_wired)
        note(f"startup {i + 1}/{reps}: minimal {fmt_s(base[-1])}, tvdesk {fmt_s(app[-1])}, "
             f"wired {fmt_s(wired[-1])}")
    ratio = median(app) / median(base)
    wired_ratio = median(wired) / median(base)
    return [
        Row("Cold start: minimal PySide6 tray", fmt_s(median(base)), spread(base)),
        Row("Cold start: tvdesk to ready (5 ext, 20 fav)", fmt_s(median(app)),
            f"{ratio:.2f}x minimal ({spread(app)}; icon docked at {fmt_s(median(dock))})",
            "≤ 1.5x minimal", "yes" if ratio <= 1.5 else "no",
            target_key="cold_start_ratio", figure=round(ratio, 3)),
        Row("Cold start: tvdesk to every part wired", fmt_s(median(wired)),
            f"{wired_ratio:.2f}x minimal ({spread(wired)})"),
    ]
