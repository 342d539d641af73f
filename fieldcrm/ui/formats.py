"""Dates, times and numbers as the person's locale writes them — for display only.

Stored and wire values keep their plain forms (ISO dates, ``1234.50``); these
helpers only make the text a person reads. Day and month names, the decimal
point and the thousands separator come from the default ``QLocale``, which
:func:`fieldcrm.ui.language.install_translators` sets to the chosen language.
The order of a date's parts is a translatable pattern, so English keeps
"Saturday 28 November 2026" while German reads "Samstag, 28. November 2026".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDate, QDateTime, QLocale, QTime

# The patterns are QLocale date formats (d, dd, ddd, dddd, M, MM, MMM, MMMM, yy, yyyy, HH, mm);
# the names they produce come from the locale, the order and punctuation from the translation.
#: 'Saturday 28 November 2026' / 'Samstag, 28. November 2026'
LONG_DAY = QT_TRANSLATE_NOOP("Formats", "dddd dd MMMM yyyy")
#: 'Sat 28 Nov' / 'Sa., 28. Nov.'
SHORT_DAY = QT_TRANSLATE_NOOP("Formats", "ddd dd MMM")
#: '28 Nov' — the first day of a range whose last day shows the year
DAY_MONTH = QT_TRANSLATE_NOOP("Formats", "dd MMM")
#: '28 Nov 2026'
DAY_MONTH_YEAR = QT_TRANSLATE_NOOP("Formats", "dd MMM yyyy")
#: '28 Nov 26' — a date on a pipeline card
SHORT_DATE = QT_TRANSLATE_NOOP("Formats", "dd MMM yy")
#: '2026-11-28' — a calendar date in lists
DATE = QT_TRANSLATE_NOOP("Formats", "yyyy-MM-dd")
#: '2026-11-28 14:30' — a moment in lists and the status bar
DATE_TIME = QT_TRANSLATE_NOOP("Formats", "yyyy-MM-dd HH:mm")
#: 'Sat 14:30'
WEEKDAY_TIME = QT_TRANSLATE_NOOP("Formats", "ddd HH:mm")
TIME = "HH:mm"


def locale() -> QLocale:
    """The default locale; the bare C locale (no language set) writes as English does."""
    current = QLocale()
    if current.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return current


def _pattern(pattern: str) -> str:
    return QCoreApplication.translate("Formats", pattern)


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _qdatetime(moment: dt.datetime) -> QDateTime:
    return QDateTime(_qdate(moment.date()), QTime(moment.hour, moment.minute, moment.second))


def day_text(day: dt.date, pattern: str) -> str:
    """``day`` written in one of the patterns above, e.g. ``day_text(d, SHORT_DAY)``."""
    return locale().toString(_qdate(day), _pattern(pattern))


def weekday_time(moment: dt.datetime) -> str:
    """'Sat 14:30'."""
    return locale().toString(_qdatetime(moment), _pattern(WEEKDAY_TIME))


def calendar_date(value: Any) -> str:
    """A stored date ('2026-11-28' or a ``date``) as the locale writes it: '28.11.2026'."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return day_text(day, DATE)


def _local(value: Any) -> dt.datetime:
    from fieldcrm.storage.types import parse_timestamp

    return parse_timestamp(str(value)).astimezone()


def when(value: Any) -> str:
    """A stored UTC timestamp in local time: '2026-11-28 14:30' / '28.11.2026 14:30'."""
    if not value:
        return ""
    return locale().toString(_qdatetime(_local(value)), _pattern(DATE_TIME))


def hour(value: Any) -> str:
    """The local time of day of a stored UTC timestamp: '14:30'."""
    if not value:
        return ""
    return locale().toString(_qdatetime(_local(value)), TIME)


def _localised(plain: str) -> str:
    """Python's '1,234.5' with the locale's separators."""
    loc = locale()
    group, point = loc.groupSeparator(), loc.decimalPoint()
    return plain.replace(",", "\0").replace(".", point).replace("\0", group)


def number(value: int | float | Decimal, decimals: int = 0) -> str:
    """A count or amount with thousands separators: '12,345' / '12.345'."""
    return _localised(f"{Decimal(str(value)):,.{decimals}f}")


def file_size(size: Optional[int]) -> str:
    """A file's size for people: '812 B', '14 KB', '1.5 MB' / '1,5 MB'; unknown stays blank."""
    if size is None:
        return ""
    if size < 1024:
        return f"{number(size)} B"
    if size < 1024 * 1024:
        return f"{number(size / 1024)} KB"
    return f"{number(size / (1024 * 1024), 1)} MB"


def money(value: Any) -> str:
    """An amount with two decimals: '5,000.00' / '5.000,00'; blank stays blank."""
    if value in (None, ""):
        return ""
    try:
        return number(Decimal(str(value)), 2)
    except InvalidOperation:
        return str(value)
