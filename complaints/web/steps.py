"""A case's steps as sentences, for the filer and the public ("Your complaint was
received", "The commission scheduled a hearing for 14 Oct 2026, 10:00"). Staff keep the
precise action names and states; this is only how the same history row reads to the
people the case is about. Payload fields used here are the public ones (dates, outcomes,
bodies), never names."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _


def _at(value: Any, election: Any) -> str:
    from complaints.web.filters import when

    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return ""
    return when(value, election, zone=False) if isinstance(value, dt.datetime) else ""


def _words(value: Any) -> str:
    from complaints.web.filters import label

    return label(value)


def step_sentence(row: Any, election: Any = None, *, own: bool = True) -> str:
    """What happened in `row`, in a sentence. `own`: the reader filed the case ("Your
    complaint..."); otherwise it is told in the third person (the public register)."""
    action = str(getattr(row.action, "value", row.action))
    data = row.payload if isinstance(getattr(row, "payload", None), dict) else {}
    if action == "create":
        return _("You started a draft.") if own else _("A draft was started.")
    if action == "edit":
        return _("You changed the draft.") if own else _("The draft was changed.")
    if action == "submit":
        return _("Your complaint was received.") if own else _("The complaint was received.")
    if action == "mark_deficient":
        due = _at(data.get("cure_due_at"), election)
        return _("The commission asked for corrections by %(due)s.", due=due) if due else \
            _("The commission asked for corrections.")
    if action == "cure":
        return _("The corrections were sent.")
    if action == "cure_lapsed":
        return _("No corrections came in time: the complaint was found inadmissible.")
    if action == "declare_inadmissible":
        return _("The commission found the complaint inadmissible.")
    if action == "confirm_inadmissibility":
        return _("A member of the commission confirmed that the complaint is inadmissible.")
    if action == "overturn_inadmissibility":
        return _("The finding of inadmissibility was overturned: the complaint will be examined.")
    if action == "transfer":
        return _("The complaint was sent on to the competent body (%(body)s).",
                 body=_words(data.get("transfer_to") or data.get("transfer_kind") or ""))
    if action == "accept":
        return _("The commission accepted the complaint for examination.")
    if action == "assign":
        return _("The complaint was given to an examiner.")
    if action == "notify_respondent":
        return _("The respondent was notified and asked to reply.")
    if action == "record_reply":
        return _("The respondent's reply was received.")
    if action == "request_evidence":
        return _("The commission asked for more evidence.")
    if action == "add_evidence":
        return _("Evidence was added.")
    if action == "draft_conclusion":
        return _("The working group drafted its conclusion.")
    if action == "link_case":
        return _("The complaint was linked with another case.")
    if action == "schedule_hearing":
        when_ = _at(data.get("hearing_at"), election)
        return _("The commission scheduled a hearing for %(when)s.", when=when_) if when_ else \
            _("The commission scheduled a hearing.")
    if action == "decide":
        outcome = data.get("outcome")
        if outcome == "upheld":
            return _("The commission decided: the complaint is upheld.")
        if outcome == "partly_upheld":
            return _("The commission decided: the complaint is partly upheld.")
        if outcome == "rejected":
            return _("The commission decided: the complaint is rejected.")
        return _("The commission decided.")
    if action == "publish":
        return _("The decision was published in the public register.")
    if action == "file_appeal":
        return _("An appeal was filed with %(body)s.", body=_words(data.get("appeal_body") or ""))
    if action == "record_appeal_outcome":
        return _("The appeal was decided: %(outcome)s.", outcome=_words(data.get("appeal_outcome") or ""))
    if action == "reopen":
        return _("The case was reopened for a new examination.")
    if action == "withdraw":
        return _("You withdrew the complaint.") if own else _("The complaint was withdrawn.")
    if action == "close":
        return _("The case is closed.")
    if action == "mark_overdue":
        return _("The decision is late: the deadline has passed, and the case was escalated.")
    return _("The case moved on (%(step)s).", step=_words(action))
