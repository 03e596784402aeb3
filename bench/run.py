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


def print_table(rows: list[Row], out=sys.stdout) -> None:
    headers = ("metric", "median", "comparison / ratio", "target", "met?")
    table = [headers] + [(r.metric, r.value, r.comparison, r.target, r.met) for r in rows]
    widths = [min(max(len(str(row[i])) for row in table), 70 if i == 2 else 60)
              for i in range(len(headers))]
    for n, row in enumerate(table):
        print(" | ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)), file=out)
        if n == 0:
            print("-+-".join("-" * w for w in widths), file=out)


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
    args = parser.parse_args()

    def interrupted(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    cleanup = Cleanup()
    rows: list[Row] = []
    started = time.monotonic()
    try:
        src = _export_head(cleanup, args.rev) if args.rev else None
        if src is not None:
            sys.path.insert(0, str(src))   # the sandbox and API client of that commit too
        info = machine_info()
        try:
            xsession = XSession(cleanup).start()
        except Failed as error:
            note(f"no X session: {error}")
            xsession = None
        ctx = BenchContext(cleanup, xsession, src, args.quick)
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
        Path(args.json).write_text(json.dumps(
            {"machine": info, "quick": args.quick, "rev": args.rev,
             "rows": [r.__dict__ for r in rows]}, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
