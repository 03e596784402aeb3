"""How favourites and recent calls read in menus and lists."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale

from tvdesk.core.history import CallRecord
from tvdesk.core.i18n import _, current_language
from tvdesk.core.phone_numbers import find_dialable


def _locale() -> QLocale:
    return QLocale(QLocale.Language.Portuguese, QLocale.Country.Brazil) \
        if current_language() == "pt_BR" else QLocale(QLocale.Language.English)


def when_text(epoch: float, now: float | None = None) -> str:
    from datetime import datetime  # on first use: the tray appears without it

    moment = QDateTime.fromSecsSinceEpoch(int(epoch))
    today = datetime.fromtimestamp(now).date() if now else datetime.now().date()
    locale = _locale()
    if datetime.fromtimestamp(epoch).date() == today:
        return locale.toString(moment.time(), QLocale.FormatType.ShortFormat)
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def recent_text(record: CallRecord) -> str:
    text = _("{number} — {when} · ext. {ramal}", number=record.display,
             when=when_text(record.when), ramal=record.ramal)
    if record.kind == "missed":
        return _("Missed: {call}", call=text)
    if record.kind == "incoming":
        return _("Received: {call}", call=text)
    return text


def favourite_text(name: str, number: str, region: str) -> str:
    target = find_dialable(number, region)
    return f"{name} — {target.display if target else number}"
