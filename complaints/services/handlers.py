"""The registry of the lifecycle actions' handlers and what they hand back.

A handler gets the action's data already loaded through its schema
(complaints.inputs), checks what needs the database or the case, sets the case's
fields and returns an Effect. `cases.apply_action` looks it up in HANDLERS after the
lifecycle table (and its guard) allowed the action. The handlers live by concern in
`intake`, `examination` and `decision`."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from complaints import access
from complaints.enums import Role
from complaints.lifecycle import Action
from complaints.models import CaseHistory, Complaint, Respondent, User
from complaints.services.errors import ValidationError

#: Times a client gives may run this far ahead of the server's clock.
CLOCK_SKEW = dt.timedelta(minutes=5)


@dataclass
class Echo:
    """A history row on another case that the action touches (the other side of a link),
    appended after the acting case's own row (one lock order)."""

    case: Complaint
    action: str
    payload: dict[str, Any]


@dataclass
class Effect:
    """What a handler returns to `apply_action`: the history payload, and what else the
    caller needs (the tracking code made at submission; rows on other cases)."""

    payload: dict[str, Any] = field(default_factory=dict)
    tracking_code: str | None = None
    echoes: list[Echo] = field(default_factory=list)


@dataclass
class ActionResult:
    case: Complaint
    history: CaseHistory
    payload: dict[str, Any]
    tracking_code: str | None = None


Handler = Callable[[Session, Complaint, dict[str, Any], "User | None", dt.datetime], Effect]
HANDLERS: dict[Action, Handler] = {}


def handles(action: Action) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[action] = fn
        return fn
    return register


def refuse(fields: dict[str, str]) -> None:
    """Raise the field errors, if any."""
    if fields:
        raise ValidationError(_("Some fields need attention."), fields)


def not_future(data: dict[str, Any], key: str, now: dt.datetime, message: str, errors: dict[str, str]) -> dt.datetime:
    """The time given under `key` (default: now), which may not lie ahead."""
    moment: dt.datetime = data.get(key) or now
    if moment > now + CLOCK_SKEW:
        errors[key] = message
    return moment


def respondent_of(case: Complaint, rid: int, errors: dict[str, str]) -> Respondent | None:
    for r in case.respondents:
        if r.id == rid:
            return r
    errors["respondent_id"] = _("This respondent is not a party to the case.")
    return None


def assignee(session: Session, case: Complaint, uid: int, errors: dict[str, str]) -> User | None:
    """An active member of staff who is not recused from the case."""
    user = session.get(User, uid)
    if user is None or not user.is_active or user.role not in (Role.INVESTIGATOR, Role.COMMISSIONER, Role.CLERK):
        errors["assignee_id"] = _("Choose an active member of staff.")
        return None
    if access.is_recused(user, case):
        errors["assignee_id"] = _("%(name)s is affiliated with a party to this case and is recused from it.",
                                   name=user.display_name)
        return None
    return user
