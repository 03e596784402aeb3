"""Drive the real tvdesk process: start it, read its --debug log, run CLI commands."""

import signal
import subprocess
import sys
import time
from pathlib import Path


class AppProcess:
    """A `python -m tvdesk ...` process whose stderr (--debug log) is kept in a file."""

    def __init__(self, home: Path, env: dict[str, str], args: list[str]) -> None:
        self.home = home
        self.env = env
        home.mkdir(parents=True, exist_ok=True)
        self.stderr_path = home / f"stderr-{len(list(home.glob('stderr-*.txt')))}.txt"
        self._stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tvdesk", "--basedir", str(home), "--debug", *args],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr)

    def output(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait_for_log(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return
            if self.process.poll() is not None:
                raise AssertionError(f"tvdesk exited ({self.process.returncode}) before "
                                     f"logging {text!r}:\n{self.output()[-3000:]}")
            time.sleep(0.1)
        raise AssertionError(f"tvdesk did not log {text!r} in {timeout}s:\n{self.output()[-3000:]}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> int:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._stderr.close()
        return self.process.returncode


def tvdesk_cli(home: Path, env: dict[str, str], *args: str, stdin: str | None = None,
               timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tvdesk", "--basedir", str(home), *args],
                          env=env, input=stdin, capture_output=True, text=True, timeout=timeout)
