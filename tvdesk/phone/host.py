"""What every webphone host offers, whatever shows (or hides) the page.

The hosts: `PhoneWindow` (floating: its own window), `EmbeddedPanel` (embedded: a
panel in the main window) and `BackgroundPhone` (hidden: a page without a view).
Each feeds one `PhoneSession`, which decides what the page's events mean; the host
only shows the page and closes or resets its view when the session asks.
"""

from __future__ import annotations

from typing import Protocol

from tvdesk.phone.session import PhoneSession


class PhoneHost(Protocol):
    ramal: str

    @property
    def session(self) -> PhoneSession | None: ...

    def in_call(self) -> bool: ...
