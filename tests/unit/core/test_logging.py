"""configure_logging(): one redacted, rotating log file; --debug adds the console."""

from __future__ import annotations

import logging
import logging.handlers

from tvdesk.core.logging_setup import configure_logging, rotate_from_now
from tvdesk.core.redact import register_secret

TOKEN = "logging-token-6d5c4b3a2910"
KEY = "0123456789abcdef0123456789abcdef"
SIGNATURE = "e" * 64


def flush_all():
    for handler in logging.getLogger("tvdesk").handlers:
        handler.flush()


def test_log_file_masks_webphone_url_and_token_in_tracebacks(tmp_path, capsys):
    log_file = tmp_path / "logs" / "tvdesk.log"
    configure_logging(log_file, debug=True)
    register_secret(TOKEN)
    log = logging.getLogger("tvdesk.phone")

    log.info("loading %s", f"https://api.totalvoice.com.br/w3/?key={KEY}&pop=1"
                           f"&expires=1900000000&signature={SIGNATURE}")
    log.debug("headers %s", {"Access-Token": "header-only-secret-1234"})
    try:
        raise ConnectionError(f"could not send Access-Token {TOKEN}")
    except ConnectionError:
        log.exception("call failed")
    flush_all()

    text = log_file.read_text(encoding="utf-8")
    console = capsys.readouterr().err
    for output in (text, console):
        assert "key=***" in output and "signature=***" in output
        assert KEY not in output and SIGNATURE not in output
        assert "header-only-secret-1234" not in output
        assert "Traceback (most recent call last)" in output
        assert "ConnectionError: could not send Access-Token ***" in output
        assert TOKEN not in output
    assert "DEBUG tvdesk.phone: headers" in text


def test_without_debug_only_the_file_gets_info(tmp_path, capsys):
    log_file = tmp_path / "tvdesk.log"
    configure_logging(log_file, debug=False)
    log = logging.getLogger("tvdesk.api")
    log.debug("debug detail")
    log.info("info line")
    flush_all()
    text = log_file.read_text(encoding="utf-8")
    assert "info line" in text
    assert "debug detail" not in text
    assert capsys.readouterr().err == ""
    handlers = logging.getLogger("tvdesk").handlers
    assert [type(h) for h in handlers] == [logging.handlers.RotatingFileHandler]
    assert handlers[0].maxBytes > 0 and handlers[0].backupCount > 0


def test_urllib3_debug_lines_with_query_strings_stay_out(tmp_path):
    log_file = tmp_path / "tvdesk.log"
    configure_logging(log_file, debug=True)
    logging.getLogger("urllib3.connectionpool").debug("GET /webphone?ramal=4000 HTTP/1.1 200")
    logging.getLogger("urllib3.connectionpool").warning("Retrying after key=%s", KEY)
    flush_all()
    text = log_file.read_text(encoding="utf-8")
    assert "GET /webphone" not in text
    assert "Retrying after key=***" in text
    assert KEY not in text


def test_unwritable_log_dir_does_not_stop_the_app(tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    configure_logging(blocker / "logs" / "tvdesk.log", debug=False)
    logging.getLogger("tvdesk").info("still fine")  # no handler, no crash


def test_no_log_file(capsys):
    configure_logging(None, debug=True)
    logging.getLogger("tvdesk.x").info("console only %s", f"key={KEY}")
    err = capsys.readouterr().err
    assert "console only key=***" in err


def test_reconfiguring_replaces_the_tvdesk_handlers(tmp_path):
    configure_logging(tmp_path / "a.log", debug=True)
    configure_logging(tmp_path / "b.log", debug=False)
    handlers = logging.getLogger("tvdesk").handlers
    assert len(handlers) == 1
    assert handlers[0].baseFilename == str(tmp_path / "b.log")


def test_reconfiguring_does_not_leave_old_handlers_on_urllib3(tmp_path):
    configure_logging(tmp_path / "a.log", debug=True)
    configure_logging(tmp_path / "b.log", debug=False)
    tvdesk_handlers = logging.getLogger("tvdesk").handlers
    urllib3_handlers = logging.getLogger("urllib3").handlers
    # urllib3 installs a NullHandler of its own at import time; that one may stay.
    leftovers = [h for h in urllib3_handlers
                 if h not in tvdesk_handlers and not isinstance(h, logging.NullHandler)]
    assert leftovers == []


def test_a_plain_start_handler_becomes_rotating_on_the_same_file_and_loses_nothing(tmp_path):
    log_file = tmp_path / "tvdesk.log"
    configure_logging(log_file, debug=False, rotate=False)   # the desktop app's start
    root = logging.getLogger("tvdesk")
    assert [type(h) for h in root.handlers] == [logging.FileHandler]
    register_secret(TOKEN)
    logging.getLogger("tvdesk.app").info("before the tray, token %s", TOKEN)
    rotate_from_now()
    logging.getLogger("tvdesk.app").info("after the tray, token %s", TOKEN)
    logging.getLogger("urllib3.connectionpool").warning("pool warning key=%s", KEY)
    flush_all()
    handlers = root.handlers
    assert [type(h) for h in handlers] == [logging.handlers.RotatingFileHandler]
    urllib3_file_handlers = [h for h in logging.getLogger("urllib3").handlers
                             if isinstance(h, logging.FileHandler)]   # urllib3 adds a NullHandler
    assert urllib3_file_handlers == handlers
    assert handlers[0].maxBytes > 0 and handlers[0].backupCount > 0
    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "before the tray, token ***", "after the tray, token ***", "pool warning key=***"]
    rotate_from_now()   # twice: nothing left to replace, nothing changes
    assert logging.getLogger("tvdesk").handlers == handlers
