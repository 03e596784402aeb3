"""Run the tvdesk benchmark suite and print a table.

    .venv/bin/python bench/run.py            # full run, about 10 minutes
    .venv/bin/python bench/run.py --quick    # fewer repetitions, shorter idle: ~2 minutes

Benchmarks print numbers; they never fail because the machine is slow (exit code 0 even
when a target is missed; 1 only if the suite itself could not run). See bench/README.md.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import signal
import subprocess
import sys
import tarfile
import time
import traceback
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

from audio import CHOICES as MICROPHONES
from audio import Microphone
from common import REPO, BenchContext, Cleanup, Failed, Row, XSession, failed_row, machine_info, note

BENCHMARKS = {
    "startup": "1. Cold start to ready",
    "click_to_page": "2. Click to page ready",
    "memory": "3. Memory",
    "idle_cpu": "4. Idle CPU",
    "api_client": "5. API client",
}


def _export_head(cleanup: Cleanup, rev: str) -> Path:
    """`git archive <rev>` of the repository into a temp dir: benchmark a commit, not the
    files being edited right now."""
    target = cleanup.tempdir("src")
    data = subprocess.run(["git", "-C", str(REPO), "archive", rev, "tvdesk"],
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(target)
    return target


def _compile_bytecode(root: Path) -> None:
    """Byte-compile the tvdesk being measured, as an installed app is (pip and the bundle
    compile at install). Without it, an environment with PYTHONDONTWRITEBYTECODE=1 (these
    machines set it) would time Python compiling tvdesk's source on every start."""
    import compileall

    compileall.compile_dir(str(root / "tvdesk"), quiet=1)


def print_table(rows: list[Row], out=sys.stdout) -> None:
    headers = ("metric", "median", "comparison / ratio", "target", "met?")
    table = [headers] + [(r.metric, r.value, r.comparison, r.target, r.met) for r in rows]
    widths = [min(max(len(str(row[i])) for row in table), 70 if i == 2 else 60)
              for i in range(len(headers))]
    for n, row in enumerate(table):
        print(" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)), file=out)
        if n == 0:
            print("-+-".join("-" * w for w in widths), file=out)


# Issue 12's figures. A key whose benchmark did not run (or could not measure it) is null,
# and `targets_unmeasured` says why.
TARGET_KEYS = ("cold_start_ratio", "idle_pss_ratio", "idle_pss_ratio_after_call",
               "first_call_after_intent_ratio", "warm_click_ratio", "hidden_idle_cpu_percent",
               "hidden_audio_service_cpu_percent", "microphone_source")
# A key measured by several rows (the hidden phone in each microphone mode of the page)
# takes the worst of them; the rows say which mode gave what.
WORST_OF_ROWS = ("hidden_idle_cpu_percent", "hidden_audio_service_cpu_percent")


def targets(rows: list[Row], microphone: Microphone | None = None
            ) -> tuple[dict[str, object], dict[str, str]]:
    figures: dict[str, object] = {key: None for key in TARGET_KEYS}
    unmeasured: dict[str, str] = {}
    for row in rows:
        if row.target_key and row.figure is not None:
            if row.target_key in WORST_OF_ROWS and figures[row.target_key] is not None:
                figures[row.target_key] = max(figures[row.target_key], row.figure)
            else:
                figures[row.target_key] = row.figure
    if figures["hidden_idle_cpu_percent"] is not None:
        figures["microphone_source"] = microphone.description if microphone is not None \
            else "as the environment gave (no --microphone source set up)"
    for key in TARGET_KEYS:
        if figures[key] is None and key not in unmeasured:
            owner = {"cold_start_ratio": "startup", "idle_pss_ratio": "memory",
                     "idle_pss_ratio_after_call": "memory",
                     "first_call_after_intent_ratio": "click_to_page (needs chromium)",
                     "warm_click_ratio": "click_to_page (needs chromium)",
                     "hidden_idle_cpu_percent": "idle_cpu",
                     "hidden_audio_service_cpu_percent": "idle_cpu",
                     "microphone_source": "idle_cpu"}[key]
            unmeasured[key] = f"not measured in this run: {owner} did not run or failed"
    return figures, unmeasured


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="fewer repetitions and shorter idle windows (~2 minutes)")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), metavar="NAME",
                        help=f"run only these: {', '.join(BENCHMARKS)}")
    parser.add_argument("--rev", metavar="GIT_REV",
                        help="benchmark this commit (git archive) instead of the working tree")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table too")
    parser.add_argument("--microphone", choices=MICROPHONES, default="auto",
                        help="what the apps capture from: a PulseAudio null sink's monitor the "
                             "bench starts (null-sink), a silent WAV through Chromium's fake "
                             "capture (silent-file), or Chromium's beeping fake device (fake); "
                             "auto (default): null-sink when pulseaudio is installed, else "
                             "silent-file")
    parser.add_argument("--mic-mode", choices=("connect", "call", "both"), default="both",
                        help="the sandbox page's microphone use for the hidden phone in "
                             "idle_cpu: held from connecting, only during calls, or both "
                             "side by side (default)")
    args = parser.parse_args()

    def interrupted(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    cleanup = Cleanup()
    rows: list[Row] = []
    started = time.monotonic()
    microphone: Microphone | None = None
    try:
        src = _export_head(cleanup, args.rev) if args.rev else None
        if src is not None:
            sys.path.insert(0, str(src))   # the sandbox and API client of that commit too
        _compile_bytecode(src or REPO)
        info = machine_info()
        try:
            xsession = XSession(cleanup).start()
        except Failed as error:
            note(f"no X session: {error}")
            xsession = None
        try:
            microphone = Microphone(args.microphone, cleanup).start()
        except Failed as error:
            note(f"microphone {args.microphone}: {error}; using the silent WAV instead")
            microphone = Microphone("silent-file", cleanup).start()
        note(f"microphone: {microphone.description}")
        mic_modes = ("connect", "call") if args.mic_mode == "both" else (args.mic_mode,)
        ctx = BenchContext(cleanup, xsession, src, args.quick, microphone, mic_modes)
        for name in args.only or BENCHMARKS:
            note(f"running {name}")
            try:
                module = importlib.import_module(name)
                rows.extend(module.run(ctx))
            except KeyboardInterrupt:
                raise
            except Failed as error:
                rows.append(failed_row(BENCHMARKS[name], str(error)))
            except Exception as error:  # noqa: BLE001 - a row, never a traceback
                note("".join(traceback.format_exception_only(type(error), error)).strip())
                rows.append(failed_row(BENCHMARKS[name], f"{type(error).__name__}: {error}"))
    except KeyboardInterrupt:
        note("interrupted")
        return 130
    finally:
        cleanup.close()

    print()
    print(f"tvdesk benchmarks ({'quick' if args.quick else 'full'} run, "
          f"{time.monotonic() - started:.0f} s; source: "
          f"{'git ' + args.rev if args.rev else 'working tree'})")
    if microphone is not None:
        print(f"microphone: {microphone.description}")
    print(f"machine: {info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python "
          f"{info['python']}, PySide6 {info['pyside6']} (Qt {info['qt']}); "
          f"{info.get('chromium', 'no chromium')}")
    print()
    print_table(rows)
    if args.markdown:
        print()
        print("| metric | median | comparison / ratio | target | met? |")
        print("|---|---|---|---|---|")
        for r in rows:
            print(f"| {r.metric} | {r.value} | {r.comparison} | {r.target} | {r.met} |")
    if args.json:
        figures, unmeasured = targets(rows, microphone)
        Path(args.json).write_text(json.dumps(
            {"machine": info, "quick": args.quick, "rev": args.rev,
             "rows": [r.__dict__ for r in rows], "targets": figures,
             "targets_unmeasured": unmeasured}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
