"""`/api/v1/complaints`: file, list, read, act on a case, add evidence.

Views are glue: authenticate (before_request) -> load (404) -> authorize -> validate ->
call a service; the request commits once (complaints.web.transaction). Errors become `{"error": ...}` in common._handle."""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from flask import Response, current_app, request, url_for
from flask_babel import gettext as _
from sqlalchemy import exists, false, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from complaints import access
from complaints.api import schemas, views
from complaints.api.common import ApiError, Blueprint, api_user, authenticate, parse_json_body, register_error_handlers
from complaints.db import db, utcnow
from complaints.enums import Channel, Role
from complaints.i18n import N_
from complaints.lifecycle import Action, State
from complaints.models import Allegation, Complaint, ComplaintRespondent, Filer, IdempotencyKey
from complaints.services import cases, filing, search

bp = Blueprint("api_complaints", __name__, url_prefix="/api/v1/complaints",
               description=N_("File complaints, follow them, act on them."))
bp.before_request(authenticate)
register_error_handlers(bp)

IDEMPOTENCY_HEADER = {
    "in": "header", "name": "Idempotency-Key", "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7E]+$"},
    "description": N_("Retrying with the same key and body returns the first response (header "
                   "`Idempotent-Replayed: true`); the same key with another body is refused (422)."),
}
NUMBER_PARAM = {"in": "path", "name": "registration_number", "required": True,
                "schema": {"type": "string", "maxLength": 32}, "description": N_("e.g. KG2017P-000103")}


def load_case(registration_number: str) -> Complaint:
    """The case if the caller may see it; 404 otherwise (a monitor never learns that
    somebody else's case exists)."""
    case = access.find_visible_case(db.session, api_user(), registration_number)
    if case is None:
        raise ApiError(404, _("No case with this number is visible to you."))
    return case


# --------------------------------------------------------------------------- filing

def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 1 <= len(key) <= 200 or not all(0x21 <= ord(c) <= 0x7E for c in key):
        raise ApiError(400, _("An Idempotency-Key is 1 to 200 visible ASCII characters."),
                       {"Idempotency-Key": _("1 to 200 visible ASCII characters.")})
    return key


def _request_hash() -> str:
    body = parse_json_body(request.get_data(cache=True))
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(row: IdempotencyKey, request_hash: str) -> Response:
    if row.request_hash != request_hash:
        raise ApiError(422, _("This Idempotency-Key was used with a different request body."),
                       {"Idempotency-Key": _("Already used for another request; use a new key.")},
                       code="idempotency_key_reused")
    if row.response_status is None or row.response_body is None:
        raise ApiError(409, _("A request with this Idempotency-Key is still being processed; retry shortly."),
                       code="idempotency_in_progress", headers={"Retry-After": "1"})
    response = current_app.response_class(row.response_body, status=row.response_status,
                                          mimetype="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _claim_key(key: str, request_hash: str) -> tuple[IdempotencyKey | None, Response | None]:
    """Insert the key row first, in this transaction: a concurrent request with the same key
    waits on the unique (user_id, key) index and then replays our response."""
    session = db.session()
    user = api_user()
    query = select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    existing = session.scalar(query)
    if existing is not None:
        return None, _replay(existing, request_hash)
    row = IdempotencyKey(user_id=user.id, key=key, request_hash=request_hash)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        existing = session.scalar(query.execution_options(populate_existing=True))
        if existing is None:
            raise ApiError(409, _("A request with this Idempotency-Key is still being processed; retry shortly."),
                           code="idempotency_in_progress", headers={"Retry-After": "1"}) from None
        return None, _replay(existing, request_hash)
    return row, None


def _filer_and_channel(data: dict[str, Any]) -> tuple[Filer, Channel, Any]:
    user = api_user()
    session = db.session()
    if user.role == Role.MONITOR:
        given = {k: _("Only intake staff set this; a monitor files as themselves.")
                 for k in ("filer", "channel", "received_at") if data.get(k) is not None}
        if given:
            raise ApiError(422, _("Some fields need attention."), given)
        return cases.resolve_filer_for(session, user), Channel.API, None
    if user.role == Role.CLERK:
        if not data.get("filer"):
            raise ApiError(422, _("Some fields need attention."),
                           {"filer": _("Say who files the complaint (kind, name, contacts).")})
        # The same standing checks and clean-up as the intake form's.
        typed = filing.FilerInput(**data["filer"])
        lacking = filing.filer_errors(typed, complaint_kind=data["kind"])
        if lacking:
            raise ApiError(422, _("Some fields need attention."), {f"filer-{k}": v for k, v in lacking.items()})
        filer = filing.typed_filer(session, typed, current=None, user_id=None)
        return filer, data.get("channel") or Channel.API, data.get("received_at")
    raise ApiError(403, _("Only monitors and intake clerks file complaints."))


def _complaint_input(data: dict[str, Any]) -> cases.ComplaintInput:
    simple = {k: v for k, v in data.items() if k not in ("filer", "channel", "received_at", "allegations")}
    allegations = [cases.AllegationInput(**a) for a in data["allegations"]]
    return cases.ComplaintInput(allegations=allegations, **simple)


@bp.route("", methods=["POST"])
@bp.arguments(schemas.ComplaintIn)
@bp.response(201, schemas.FiledOut)
@bp.doc(summary=N_("File a complaint"), parameters=[IDEMPOTENCY_HEADER],
        description=N_("Monitors file as themselves (channel api); intake clerks register a complaint "
                    "received on paper, by phone or e-mail and give its `filer`. The complaint is received at "
                    "once: 201 with its registration number, status and tracking code."))
def file_complaint(data: dict[str, Any]) -> Any:
    user = api_user()
    if user.role not in (Role.MONITOR, Role.CLERK):
        raise ApiError(403, _("Only monitors and intake clerks file complaints."))
    key = _idempotency_key()
    key_row = None
    if key is not None:
        key_row, replay = _claim_key(key, _request_hash())
        if replay is not None:
            return replay
    filer, channel, received_at = _filer_and_channel(data)
    session = db.session()
    ids = list(data.get("respondent_ids") or [])
    nameable = set(session.scalars(access.nameable_respondents(user, ids))) if user.role == Role.MONITOR else set(ids)
    unknown = [i for i in ids if i not in nameable]
    if unknown:
        message = _("Unknown respondent: %(id)s.", id=unknown[0])
        raise ApiError(422, message, {"respondent_ids": message})
    case, code = cases.file_complaint(session, _complaint_input(data), filer=filer, actor=user, channel=channel,
                                      received_at=received_at)
    raw = {
        "registration_number": case.registration_number, "status": case.status, "version": case.version,
        "tracking_code": code, "received_at": case.received_at, "late": case.late,
        "filing_due_at": case.filing_due_at, "decision_due_at": case.decision_due_at}
    body = schemas.FiledOut().dump(raw)
    location = url_for("api_complaints.read_case", registration_number=case.registration_number)
    if key_row is not None:
        key_row.complaint_id = case.id
        key_row.response_status = 201
        key_row.response_body = json.dumps(body, separators=(",", ":"))
    return raw, 201, {"Location": location}


# --------------------------------------------------------------------------- reading

def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4)).decode("ascii")
        kind, _sep, value = raw.partition(":")
        if kind != "c1" or not value.isdigit() or len(value) > 12:
            raise ValueError(cursor)
        return int(value)
    except (ValueError, UnicodeError, binascii.Error):
        raise ApiError(400, _("This cursor is not valid; start again without one."),
                       {"cursor": _("Not a cursor this API gave out.")}, code="bad_cursor") from None


def _encode_cursor(case_id: int) -> str:
    return base64.urlsafe_b64encode(f"c1:{case_id}".encode()).decode().rstrip("=")


@bp.route("", methods=["GET"])
@bp.arguments(schemas.ListArgs, location="query")
@bp.response(200, schemas.CasePage)
@bp.doc(summary=N_("The cases you may see"), description=N_("Newest first. Monitors see their own cases; staff see "
                                                      "every received case. Cursor pagination."))
def list_cases(args: dict[str, Any]) -> Any:
    user = api_user()
    query = access.visible_cases(user).where(Complaint.status != State.DRAFT)
    if args.get("status"):
        query = query.where(Complaint.status.in_(args["status"]))
    for name in ("election_id", "region_id"):
        if args.get(name) is not None:
            query = query.where(getattr(Complaint, name) == args[name])
    if args.get("category_id") is not None:
        query = query.where(exists().where(Allegation.complaint_id == Complaint.id,
                                           Allegation.category_id == args["category_id"]))
    if args.get("respondent_id") is not None:
        query = query.where(exists().where(ComplaintRespondent.complaint_id == Complaint.id,
                                           ComplaintRespondent.respondent_id == args["respondent_id"]))
    if args.get("overdue") is True:
        query = query.where(Complaint.due_at < utcnow())
    elif args.get("overdue") is False:
        query = query.where(or_(Complaint.due_at.is_(None), Complaint.due_at >= utcnow()))
    if (args.get("q") or "").strip():
        found = search.match(db.session, args["q"], public=not (user.is_case_staff or user.role == Role.ADMIN))
        query = query.where(found.condition() if found is not None else false())
    if args.get("cursor"):
        query = query.where(Complaint.id < _decode_cursor(args["cursor"]))
    limit = args["limit"]
    query = query.order_by(Complaint.id.desc()).limit(limit + 1).options(
        selectinload(Complaint.region), selectinload(Complaint.primary_category),
        selectinload(Complaint.primary_respondent), selectinload(Complaint.assignee))
    rows = list(db.session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [views.summary(user, c) for c in rows],
            "next_cursor": _encode_cursor(rows[-1].id) if more and rows else None}


@bp.route("/<registration_number>", methods=["GET"])
@bp.response(200, schemas.CaseDetail)
@bp.doc(summary=N_("One case with its history"),
        description=N_("Monitors see their own cases only (404 otherwise), without internal rows."))
def read_case(registration_number: str) -> Any:
    case = load_case(registration_number)
    return views.detail(db.session(), api_user(), case)


# --------------------------------------------------------------------------- actions

NOT_BY_ACTIONS_WHY = {Action.EDIT: "Drafts are edited on the web form.",
                  Action.SUBMIT: "File with POST /complaints: it is received at once.",
                  Action.CREATE: "File with POST /complaints.",
                  Action.ADD_EVIDENCE: "Upload evidence with POST /complaints/{number}/evidence."}


def _check_strings(value: Any, path: str, errors: dict[str, str]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            errors[path] = _("Text may not contain NUL characters.")
        else:
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                errors[path] = _("Text must be valid Unicode.")
    elif isinstance(value, dict):
        for k, v in value.items():
            _check_strings(k, path, errors)
            _check_strings(v, f"{path}-{k}", errors)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _check_strings(v, f"{path}-{i}", errors)


@bp.route("/<registration_number>/actions", methods=["POST"])
@bp.arguments(schemas.ActionIn)
@bp.response(200, schemas.ActionOut)
@bp.doc(summary=N_("Take a lifecycle action"),
        description=N_("`{\"action\": ..., \"version\": ..., ...the action's fields}`. 409 when the action is not "
                    "possible in the current state or `version` is stale (the body says the current version and "
                    "status); 403 when your role may not take it; 422 when its data is missing or bad."))
def take_action(args: dict[str, Any], registration_number: str) -> Any:
    user = api_user()
    case = load_case(registration_number)
    action: Action = args["action"]
    if action in NOT_BY_ACTIONS_WHY:
        why = _(NOT_BY_ACTIONS_WHY[action])
        raise ApiError(422, why, {"action": why})
    raw = parse_json_body(request.get_data(cache=True))
    data = {k: v for k, v in raw.items() if k not in ("action", "version")}
    errors: dict[str, str] = {}
    for k, v in data.items():
        _check_strings(k, k, errors)
        _check_strings(v, k, errors)
    if errors:
        raise ApiError(422, _("Some fields need attention."), errors)
    session = db.session()
    from_status = case.status
    result = cases.apply_action(session, case, action, user, data, expected_version=args["version"])
    body = {"registration_number": case.registration_number, "action": action.value, "status": case.status,
            "from_status": from_status, "version": case.version, "payload": result.history.payload or {}}
    return body

