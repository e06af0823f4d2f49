"""Template helpers: times in the election's zone, numbers, clocks, labels, in the request's language."""
from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format, get_timezone_location
from babel.numbers import format_decimal
from flask import Flask, current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2 import Undefined

from complaints import labels
from complaints.db import utcnow
from complaints.models.election import DEFAULT_TIMEZONE


def election_zone(election: Any = None) -> ZoneInfo:
    """The zone an election's times are read in; the commission's default without one."""
    name = None if isinstance(election, Undefined) else getattr(election, "timezone", None)
    name = name or current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return ZoneInfo(name)


def zone_name(zone: ZoneInfo, moment: dt.datetime) -> str:
    """'Bishkek, UTC+6' in the current language: the zone's city and its offset then."""
    city = get_timezone_location(zone, locale=get_locale(), return_city=True)
    offset = moment.astimezone(zone).utcoffset() or dt.timedelta()
    hours, rest = divmod(int(offset.total_seconds()) // 60, 60)
    sign = "+" if offset >= dt.timedelta() else "-"
    return f"{city}, UTC{sign}{abs(hours)}" + (f":{rest:02d}" if rest else "")


def _moment(value: dt.datetime | str | None) -> dt.datetime | None:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value) if value else None
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def when(value: dt.datetime | str | None, election: Any = None, seconds: bool = False, zone: bool = True) -> str:
    """An instant as the current language writes it, in the election's time zone, the zone
    named: '2 дек. 2017 г., 01:30 (Бишкек, UTC+6)'. Every page and document formats times
    here, so one instant reads the same on the receipt, the case page and the register."""
    moment = _moment(value)
    if moment is None:
        return "—"
    tz = election_zone(election)
    locale = get_locale()
    local = moment.astimezone(tz)
    date_part = format_date(local.date(), "medium", locale=locale)
    # 24-hour clock in every language, as the commission's documents write it.
    time_part = format_time(local.timetz(), "HH:mm:ss" if seconds else "HH:mm", tzinfo=tz, locale=locale)
    pattern = str(get_datetime_format("medium", locale=locale))
    text = pattern.replace("{1}", date_part).replace("{0}", time_part)
    return f"{text} ({zone_name(tz, moment)})" if zone else text


def day(value: dt.datetime | str | None, election: Any = None) -> str:
    """The calendar day of an instant in the election's time zone, as the language writes it."""
    moment = _moment(value)
    if moment is None:
        return "—"
    return format_date(moment.astimezone(election_zone(election)).date(), "medium", locale=get_locale())


def number(value: Any) -> str:
    return "—" if value is None else format_decimal(value, locale=get_locale())


def named(record: Any) -> str:
    """A configured record (election, category, transfer body) by its name in the current language."""
    if record is None or isinstance(record, Undefined):
        return "—"
    lang = str(get_locale() or "en")
    if isinstance(record, dict):  # a record as the stats and register services hand it over
        return str(record.get(f"name_{lang}") or record.get("name") or "—")
    return str(record.name_in(lang))


def label(value: Any) -> str:
    """An enum value as words in the current language (complaints/labels.py)."""
    return labels.label(value)


def clock(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """'in 2 days 3 h' or 'overdue by 5 h'."""
    if due is None:
        return "—"
    now = now or utcnow()
    delta = due - now
    seconds = abs(int(delta.total_seconds()))
    days, rem = divmod(seconds, 86400)
    hours, rem = divmod(rem, 3600)
    minutes = rem // 60
    parts = []
    if days:
        parts.append(_("%(n)s d", n=days))
    if hours or days:
        parts.append(_("%(n)s h", n=hours))
    if not days:
        parts.append(_("%(n)s min", n=minutes))
    span = " ".join(parts)
    if delta.total_seconds() < 0:
        return _("overdue by %(span)s", span=span)
    return _("in %(span)s", span=span)


def is_past(due: dt.datetime | None) -> bool:
    return due is not None and due < utcnow()


def is_voting_day(day: Any, zone: str = DEFAULT_TIMEZONE) -> bool:
    """Whether `day` (a date or its ISO text) is today in the election's time zone."""
    from zoneinfo import ZoneInfo

    if not day:
        return False
    return str(day)[:10] == utcnow().astimezone(ZoneInfo(zone)).date().isoformat()


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["named"] = named
    app.jinja_env.filters["number"] = number
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.tests["past"] = is_past
    app.jinja_env.globals["now"] = utcnow
    init_nav(app)
    from complaints.forms.summary import error_items

    app.jinja_env.globals["error_items"] = error_items
    app.jinja_env.globals["is_voting_day"] = is_voting_day
    from complaints.web.steps import step_sentence

    app.jinja_env.globals["step_sentence"] = step_sentence


#: The menu: (endpoint, label, shown to). A role-gated page is shown to exactly the roles
#: that may open it (complaints.access.PAGE_ROLES); a page open to all is shown to the
#: roles named here (None: everyone; a None role: visitors not logged in).
NAV: list[tuple[str, str, set[str | None] | None]] = [
    ("monitor.new_complaint", "New complaint", None),
    ("monitor.mine", "My complaints", None),
    ("workflow.queue", "Work queue", None),
    ("monitor.intake", "Register a complaint", None),
    ("dashboard.staff", "Dashboard", None),
    ("public.register", "Public register", None),
    ("public.dashboard", "Public dashboard", None),
    ("monitor.track", "Track a complaint", {None}),
    ("apidocs.reference", "API", {"clerk", "investigator", "commissioner", "admin"}),
    ("admin.index", "Administration", None),
]


def nav_items() -> list[dict[str, Any]]:
    from flask import request, url_for
    from flask_login import current_user

    from complaints import access

    role = current_user.role.value if current_user.is_authenticated else None
    items = []
    for endpoint, text, shown_to in NAV:
        if not access.may_open(current_user, endpoint):
            continue
        if shown_to is not None and role not in shown_to:
            continue
        items.append({"url": url_for(endpoint), "label": _(text), "current": request.endpoint == endpoint})
    return items


def init_nav(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
