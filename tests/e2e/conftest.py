"""Run the real tvdesk process, headless, with its own home and a test keyring."""

import os
from pathlib import Path

import pytest
from support.app_process import AppProcess

TESTS_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture
def app_env(tmp_path):
    """Environment for app processes: headless, quick sandbox calls, a file-backed keyring."""
    env = dict(os.environ)
    env.update({
        "QT_QPA_PLATFORM": "offscreen",
        "TVDESK_LANG": "en",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS_DIR), env.get("PYTHONPATH")])),
        "PYTHON_KEYRING_BACKEND": "support.memory_keyring.FileKeyring",
        "TVDESK_TEST_KEYRING_FILE": str(tmp_path / "keyring.json"),
        "TVDESK_SANDBOX_ANSWER_AFTER": "0.3",
        "TVDESK_SANDBOX_HANGUP_AFTER": "1",
    })
    for name in ("TVDESK_TOKEN", "TVDESK_API_BASE", "TVDESK_HOME"):
        env.pop(name, None)
    return env


@pytest.fixture
def start_app(tmp_path):
    started = []

    def start(env, *args, home=None):
        app = AppProcess(home or tmp_path / "home", env, list(args))
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()
