"""The commission's workflow pages: the work queue, the one handler every lifecycle
action is posted to, and the printable respondent notice and decision.

`act` is glue: load (404) -> actors -> lifecycle check (403 wrong role, 409 wrong
state) -> the action's form -> `apply_action(expected_version=...)` -> redirect (the
request commits once, complaints.web.transaction). A refusal re-renders the case page
with the reason and the user's input, and changes nothing."""
from __future__ import annotations

from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from complaints import access, lifecycle
from complaints.db import db
from complaints.enums import Appellant, InadmissibilityGround, Role
from complaints.forms.actions import FORMS, ActionForm, choices
from complaints.i18n import current_language
from complaints.lifecycle import Action, State, TransitionError
from complaints.models import Category, Complaint, Election, Region, Respondent, User
from complaints.services import search, sms
from complaints.services import workflow as wf
from complaints.services.cases import apply_action
from complaints.services.errors import ConflictError, ValidationError
from complaints.web.auth import roles_required
from complaints.web.bulk import bulk_form
from complaints.web.cases import case_context, load_case

bp = Blueprint("workflow", __name__)

#: States in which intake decides on admissibility: the checklist is shown there.
INTAKE_STATES = frozenset({State.SUBMITTED, State.DEFICIENT})
#: The usual next step first, the exceptional ones (refuse, withdraw, close) last.
FORM_ORDER = [Action.ACCEPT, Action.CURE, Action.ASSIGN, Action.NOTIFY_RESPONDENT, Action.RECORD_REPLY,
              Action.REQUEST_EVIDENCE, Action.DRAFT_CONCLUSION, Action.SCHEDULE_HEARING, Action.DECIDE,
              Action.CONFIRM_INADMISSIBILITY, Action.PUBLISH, Action.FILE_APPEAL, Action.RECORD_APPEAL_OUTCOME,
              Action.REOPEN, Action.ADD_NOTE, Action.LINK_CASE, Action.MARK_DEFICIENT, Action.TRANSFER,
              Action.DECLARE_INADMISSIBLE, Action.OVERTURN_INADMISSIBILITY, Action.WITHDRAW, Action.CLOSE]


# --------------------------------------------------------------------------- forms for one case

def build_form(action: Action, case: Complaint, *, bound: bool = False) -> ActionForm:
    """The action's form with its choices for this case; bound to the request when `bound`."""
    form_cls = FORMS[action]
    kwargs: dict[str, Any] = {"prefix": action.value, "zone": case.election.zone}
    if not bound:
        kwargs["formdata"] = None
    form = form_cls(**kwargs)
    if not bound:
        _set_version(form, case.version)
    respondents = [(str(r.id), r.name) for r in case.respondents]
    if hasattr(form, "assignee_id"):
        free, _recused = wf.assignable_staff(db.session, case)
        people = [(str(u.id), f"{u.display_name} ({u.role.value})") for u in free]
        form.assignee_id.choices = choices([("", _("— later —") if action == Action.ACCEPT else "")] + people)
        if not bound and case.assignee_id is not None and action == Action.ASSIGN:
            form.assignee_id.data = str(case.assignee_id)
    if action == Action.TRANSFER:
        lang = current_language()
        form.transfer_to.choices = choices([("", "")] + [(b.code, b.name_in(lang))
                                                         for b in wf.transfer_targets(db.session)])
    if hasattr(form, "respondent_id"):
        form.respondent_id.choices = choices([("", "")] + respondents)
        if not bound and len(respondents) == 1:
            form.respondent_id.data = respondents[0][0]
    if action == Action.DECIDE:
        for entry in form.sanctions.entries:
            entry.form.respondent_id.choices = choices([("", _("— none —"))] + respondents)
    if action == Action.FILE_APPEAL and access.owns(current_user, case) and current_user.role == Role.MONITOR:
        form.appellant.choices = choices([(Appellant.FILER.value, Appellant.FILER.value)])
    if not bound:
        if action == Action.PUBLISH and case.decision is not None:
            form.public_text.data = case.decision.public_text or ""  # never the unredacted reasons
        if action == Action.DECLARE_INADMISSIBLE:
            failing = [item.ground for item in wf.admissibility_checklist(db.session, case)
                       if item.ok is False and item.ground]
            form.grounds.data = [g for g in failing if g in {x.value for x in InadmissibilityGround}]
    return form


def _set_version(form: ActionForm, version: int) -> None:
    """Point a form at the case's current version (a bound field renders its raw input)."""
    form.version.data = version
    form.version.raw_data = [str(version)]


def workflow_panel(case: Complaint, allowed: list[lifecycle.Rule], *, failed: ActionForm | None = None,
                   failed_action: Action | None = None, message: str | None = None,
                   conflict: ConflictError | None = None) -> dict[str, Any]:
    """What `cases/_actions.html` shows: a form for each action allowed now, the
    checklist and suggested duplicates at intake, and any refusal to explain."""
    staff = access.is_case_staff(current_user)
    recused = access.recused_staff(current_user, case)
    forms: dict[str, ActionForm] = {}
    if not recused:
        for rule in sorted(allowed, key=lambda r: FORM_ORDER.index(r.action) if r.action in FORM_ORDER else 99):
            if rule.action in FORMS and rule.action.value not in forms:
                forms[rule.action.value] = build_form(rule.action, case)
    if failed is not None and failed_action is not None and failed_action.value in forms:
        forms[failed_action.value] = failed
    intake = staff and State(case.status) in INTAKE_STATES
    linkable = staff and State(case.status) in lifecycle.OPEN_STATES
    recused_staff = wf.assignable_staff(db.session, case)[1] if staff else []
    return {
        "forms": forms,
        "rules": {rule.action.value: rule for rule in allowed},
        "open": failed_action.value if failed_action is not None else None,
        "failed": failed if failed is not None and failed_action is not None
        and failed_action.value not in forms else None,
        "message": message,
        "conflict": conflict,
        "recused": recused,
        "recused_staff": recused_staff,
        "checklist": wf.admissibility_checklist(db.session, case) if intake else [],
        "duplicates": wf.suggested_duplicates(db.session, case) if linkable else [],
        "can_link": "link_case" in forms,
        "edit_url": _edit_url(case),
    }


def _edit_url(case: Complaint) -> str | None:
    """The filer's edit form (another page) for curing defects, when they may edit."""
    if not access.may_take(current_user, case, Action.EDIT):
        return None
    return url_for("monitor.edit_draft", complaint_id=case.id)


@bp.app_context_processor
def _panel_helper() -> dict[str, Any]:
    return {"workflow_panel": workflow_panel}


def _rerender(case: Complaint, status: int, **panel_kwargs: Any) -> Any:
    context = case_context(case)
    context["panel"] = workflow_panel(case, context["allowed"], **panel_kwargs)
    return render_template("cases/detail.html", **context), status


def _attach_errors(form: ActionForm, fields: dict[str, str]) -> list[str]:
    """Put each service error on the field it names ("sanctions-0-kind" included);
    return the ones that name no field of this form."""
    loose: list[str] = []
    for key, text in fields.items():
        target: Any = form
        for part in key.split("-"):
            if part.isdigit() and hasattr(target, "entries"):
                idx = int(part)
                target = target.entries[idx] if idx < len(target.entries) else None
            elif target is not None and hasattr(target, "form") and not hasattr(target, "_fields"):
                target = getattr(target.form, part, None)
            elif target is not None and hasattr(target, "_fields"):
                target = target._fields.get(part)
            else:
                target = None
            if target is None:
                break
        if target is not None and hasattr(target, "errors") and not hasattr(target, "_fields") \
                and not hasattr(target, "entries"):
            errors = target.errors if isinstance(target.errors, list) else []
            target.errors = [*errors, text]
        else:
            loose.append(f"{key.replace('_', ' ')}: {text}")
    return loose


def _posted_version(action: Action) -> int | None:
    raw = request.form.get(f"{action.value}-version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _done_message(action: Action, case: Complaint) -> str:
    """The confirmation, as a sentence about what just happened (the step's newest history row)."""
    from complaints.models import CaseHistory
    from complaints.web.steps import step_sentence

    row = db.session.scalar(select(CaseHistory).where(CaseHistory.complaint_id == case.id,
                                                      CaseHistory.action == action.value)
                            .order_by(CaseHistory.seq.desc()).limit(1))
    if row is None:
        return _("Done. The case is now “%(status)s”.", status=case.status.value.replace("_", " "))
    own = current_user.role == Role.MONITOR and access.owns(current_user, case)
    return _("Done. %(step)s The case is now “%(status)s”.", step=step_sentence(row, case.election, own=own),
             status=case.status.value.replace("_", " "))


# --------------------------------------------------------------------------- the action handler

@bp.route("/cases/<registration_number>/actions/<action>", methods=["POST"])
@login_required
def act(registration_number: str, action: str) -> Any:
    case = load_case(registration_number)
    try:
        what = Action(action)
    except ValueError:
        abort(404)
    who = access.actors(current_user, case)
    try:
        lifecycle.check(case.status, what, who, case)
    except TransitionError as exc:
        if exc.forbidden:
            return render_template("error.html", status=403, message=exc.message), 403
        posted = _posted_version(what)
        if posted is not None and posted != case.version:
            # A stale page: say who changed the case meanwhile, and keep what was typed.
            form = build_form(what, case, bound=True) if what in FORMS else None
            if form is not None:
                _set_version(form, case.version)
            return _rerender(case, 409, failed=form, failed_action=what, conflict=_conflict(case))
        return render_template("workflow/refused.html", case=case, message=exc.message), 409
    if access.recused_staff(current_user, case):
        return render_template("error.html", status=403, message=_(
            "%(name)s is affiliated with a party to this case and is recused from it.",
            name=current_user.display_name)), 403
    if what not in FORMS:
        abort(404)
    form = build_form(what, case, bound=True)
    if not form.validate():
        return _rerender(case, 422, failed=form, failed_action=what)
    try:
        # apply_action undoes its own writes when it refuses: the page is shown again as it was.
        apply_action(db.session, case, what, current_user, form.payload(), expected_version=form.version.data)
    except ConflictError as exc:
        _set_version(form, case.version)
        return _rerender(case, 409, failed=form, failed_action=what, conflict=exc)
    except ValidationError as exc:
        loose = _attach_errors(form, exc.fields)
        return _rerender(case, 422, failed=form, failed_action=what,
                         message=" ".join([exc.message, *loose]) if loose else None)
    except TransitionError as exc:
        if exc.forbidden:
            raise
        return _rerender(case, 409, failed=form, failed_action=what, message=exc.message)
    flash(_done_message(what, case), "success")
    return redirect(url_for("cases.detail", registration_number=case.registration_number))


def _conflict(case: Complaint) -> ConflictError:
    from complaints.services.cases import conflict_for

    return conflict_for(db.session, case)


# --------------------------------------------------------------------------- the queue

@bp.route("/cases")
@roles_required(*access.PAGE_ROLES["workflow.queue"])
def queue() -> Any:
    filters = wf.QueueFilters.from_args(request.args)
    page = wf.queue_page(db.session, current_user, filters, request.args.get("after"))
    elections = db.session.scalars(select(Election).order_by(Election.election_day.desc())).all()
    categories_q = select(Category).order_by(Category.election_id, Category.position)
    respondents_q = select(Respondent).order_by(Respondent.name)
    if filters.election_id is not None:
        categories_q = categories_q.where(Category.election_id == filters.election_id)
        respondents_q = respondents_q.where((Respondent.election_id == filters.election_id)
                                            | Respondent.election_id.is_(None))
    staff = db.session.scalars(select(User).where(User.role.in_(sorted(access.ROLES_CASE_STAFF)), User.is_active.is_(True))
                               .order_by(User.full_name)).all()
    return render_template(
        "workflow/queue.html", page=page, filters=filters, states=list(State)[1:], elections=elections,
        categories=db.session.scalars(categories_q).all(), regions=db.session.scalars(
            select(Region).order_by(Region.name)).all(),
        respondents=db.session.scalars(respondents_q.limit(500)).all(), staff=staff,
        active_states=wf.ACTIVE_STATES, count_label=partial(wf.count_label, partial=page.counts_partial),
        sms_waiting=sms.waiting(db.session()) if access.handles_sms_intake(current_user) else [],
        hl=partial(search.highlight, words=filters.match.words) if filters.match is not None else None,
        bulk=bulk_form())


# --------------------------------------------------------------------------- printable documents

@bp.route("/cases/<registration_number>/notice/<int:respondent_id>")
@roles_required(*access.ROLES_CASE_STAFF)
def notice(registration_number: str, respondent_id: int) -> Any:
    """The notice served on a respondent: the complaint's allegations and the reply
    deadline. Reading it changes nothing (a GET writes no history: a link on another site
    could call it); serving the notice is recorded by the notify_respondent action."""
    case = load_case(registration_number)
    if not access.may_print_notice(current_user, case):
        abort(403)
    respondent = next((r for r in case.respondents if r.id == respondent_id), None)
    if respondent is None:
        abort(404)
    served = next((n for n in reversed(case.notices) if n.respondent_id == respondent.id), None)
    return render_template("workflow/notice.html", case=case, respondent=respondent, served=served)


@bp.route("/cases/<registration_number>/decision")
@login_required
def decision(registration_number: str) -> Any:
    """The decision document, for everyone who may see the case."""
    case = load_case(registration_number)
    if case.decision is None:
        abort(404)
    staff = access.is_staff(current_user)
    return render_template("workflow/decision.html", case=case, decision=case.decision, staff=staff)


__all__ = ["bp", "build_form", "workflow_panel"]
