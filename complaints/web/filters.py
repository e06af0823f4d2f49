"""Template helpers: times in the commission's zone, clocks, labels."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask_babel import format_datetime
from flask_babel import gettext as _

from complaints.db import utcnow


def when(value: dt.datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if value is None:
        return "—"
    return format_datetime(value, fmt)


def label(value: Any) -> str:
    """An enum value as words: 'under_examination' -> 'under examination'."""
    if value is None:
        return "—"
    raw = getattr(value, "value", value)
    return str(raw).replace("_", " ")


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


def init_app(app: Flask) -> None:
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["clock"] = clock
    app.jinja_env.tests["past"] = is_past
    app.jinja_env.globals["now"] = utcnow
    init_nav(app)
    from complaints.forms.summary import error_items

    app.jinja_env.globals["error_items"] = error_items
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions


#: (endpoint, label, roles: None for everyone, a None role for visitors not logged in).
#: Only endpoints the app has are shown; each role sees what its own work uses.
NAV = [
    ("monitor.new_complaint", "New complaint", {"monitor"}),
    ("monitor.mine", "My complaints", {"monitor"}),
    ("workflow.queue", "Work queue", {"clerk", "investigator", "commissioner", "admin"}),
    ("monitor.intake", "Register a complaint", {"clerk"}),
    ("dashboard.staff", "Dashboard", {"clerk", "investigator", "commissioner", "admin"}),
    ("public.register", "Public register", None),
    ("public.dashboard", "Public dashboard", None),
    ("monitor.track", "Track a complaint", {None}),
    ("apidocs.reference", "API", {"clerk", "investigator", "commissioner", "admin"}),
]


def nav_items() -> list[dict[str, Any]]:
    from flask import current_app, request, url_for
    from flask_login import current_user

    role = current_user.role.value if current_user.is_authenticated else None
    items = []
    for endpoint, text, roles in NAV:
        if endpoint not in current_app.view_functions:
            continue
        if roles is not None and role not in roles:
            continue
        items.append({"url": url_for(endpoint), "label": _(text), "current": request.endpoint == endpoint})
    return items


def init_nav(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
