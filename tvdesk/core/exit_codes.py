"""The command line's exit codes: one table, documented in the README."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    UNEXPECTED = 1          # details in the log
    BAD_INPUT = 2           # a command-line mistake, a number or extension that does not fit
    NO_TOKEN = 3            # no Access-Token, or the API refused it
    API_ERROR = 4           # the API answered with an error
    NETWORK = 5             # cannot connect, TLS, timeout, a redirect
    NOT_RUNNING = 6         # the app is not running and could not be started, or does not answer
    NO_KEYRING = 7          # no usable system keyring
    CANCELLED = 8           # the person cancelled the call in the confirmation, or did not answer
    NEEDS_CONFIRMATION = 9  # the running app has no display to ask on: use --yes
    INTERRUPTED = 130       # Ctrl+C
