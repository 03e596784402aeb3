"""The diagnostics report says what support needs and never a secret."""

from tvdesk.core.diagnostics import build_report
from tvdesk.core.paths import resolve_paths
from tvdesk.core.redact import register_secret
from tvdesk.core.settings import Extension, Settings

TOKEN = "diag-secret-token-0123456789abcdef"
KEY = "0123456789abcdef0123456789abcdef"
SIGNATURE = "a" * 64


def test_the_report_is_useful_and_holds_no_secret(tmp_path):
    paths = resolve_paths(tmp_path / "home")
    paths.ensure()
    register_secret(TOKEN)
    paths.log_file.write_text(
        f"INFO opened https://api.totalvoice.com.br/w3/?key={KEY}&pop=1&expires=1&"
        f"signature={SIGNATURE}\n"
        f"DEBUG header Access-Token: {TOKEN}\n"
        f"ERROR traceback mentions {TOKEN}\n"
        '{"webphone_key": "' + KEY + '"}\n')
    settings = Settings(extensions=[Extension("4000", tipo="hidden")], default_ramal="4000")
    report = build_report(paths, settings, api_base="https://api.totalvoice.com.br", demo=False,
                          token_source="keyring", keyring_backend="test.Backend",
                          extra=[("tray", "available")])
    assert TOKEN not in report and KEY not in report and SIGNATURE not in report
    assert "tvdesk 0." in report
    assert "API: https://api.totalvoice.com.br" in report
    assert "Access-Token status: set, from keyring" in report
    assert "keyring backend: test.Backend" in report
    assert str(paths.settings_file) in report and str(paths.log_file) in report
    assert "extensions: 4000 (hidden)" in report
    assert "tray: available" in report
    assert "ERROR traceback mentions ***" in report


def test_a_missing_log_is_fine(tmp_path):
    paths = resolve_paths(tmp_path / "home")
    report = build_report(paths, Settings(), api_base="http://127.0.0.1:1", demo=True,
                          token_source=None, keyring_backend="fail.Keyring")
    assert "(demo sandbox)" in report and "Access-Token status: not set" in report
