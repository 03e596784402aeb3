"""The messages between the tray process and its phone process, one JSON object a line.

The tray process writes operations (`op`) to the phone process's standard input; the
phone process writes events (`ev`) to its standard output. Webphone URLs travel only
here, never in a command line or an environment, where other users' tools could read
them. A line that is not a JSON object, or is longer than `MAX_LINE_BYTES`, is dropped.
"""

from __future__ import annotations

import json
import logging
from typing import Any

log = logging.getLogger("tvdesk.phone.wire")

MAX_LINE_BYTES = 64 * 1024   # a signed URL and a page event fit many times over
# Set in the phone process's environment when its pages share one renderer process
# (tvdesk.phone.process_host.phone_process_environment): it then renews that renderer
# after each call.
ONE_RENDERER_ENV = "TVDESK_PHONE_ONE_RENDERER"

# tray -> phone process
OPEN_WINDOW = "open_window"    # id, url, ramal, shown, fechar_fim, geometry, demo
PRESENT_WINDOW = "present_window"  # id
CLOSE_WINDOW = "close_window"  # id
OPEN_PAGE = "open_page"        # id, url, host ("hidden"): a page with no view
CLOSE_PAGE = "close_page"      # id
COMMAND = "command"            # id, name, fields: a webphone command for a hosted page
FETCH_URL = "fetch_url"        # id, api_base, token, params: ask the API for a webphone URL
QUIT = "quit"

# phone process -> tray
READY = "ready"                # the engine is up (a blank page loaded)
PAGE_EVENT = "event"           # id, name, fields: a documented webphone event
WINDOW_CLOSED = "closed"       # id, geometry
WINDOW_SHOWN = "shown"         # id: the window is on the screen
TITLE = "title"                # id, title: a window's title, as the person sees it
RELOAD_REQUESTED = "reload"    # id: the person pressed Reload after a crash
LOAD_FAILED = "load_failed"    # id
CERTIFICATE_REJECTED = "certificate_rejected"   # id, host
RENDERER_GONE = "renderer_gone"   # id
OPEN_EXTERNAL = "open_external"   # url: a link the person clicked, for the system browser
URL = "url"                    # id, url: the webphone URL the API gave
URL_FAILED = "url_failed"      # id, message, exit_code: why not, in the person's words
LOG = "log"                    # level, name, message: the phone process's log lines


def encode(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def decode(line: bytes) -> dict[str, Any] | None:
    if len(line) > MAX_LINE_BYTES:
        log.warning("dropped a phone-process message of %d bytes", len(line))
        return None
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        log.warning("dropped a phone-process message that is not JSON")
        return None
    if not isinstance(message, dict):
        log.warning("dropped a phone-process message that is not an object")
        return None
    return message
