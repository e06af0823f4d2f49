"""The administration's verbs: elections and their settings, categories, transfer
bodies, accounts and API tokens. Each verb changes the records, writes one
administrative row to the history chain naming who did it and what changed, and
flushes; the caller commits. Nothing a case refers to is deleted: categories and
bodies are retired, accounts disabled, tokens revoked."""
from __future__ import annotations

import datetime as dt
import secrets
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.enums import ElectionKind, Role, TransferBody
from complaints.models import ApiToken, Category, Election, Respondent, TransferTarget, User
from complaints.security import end_sessions, hash_password
from complaints.services import history
from complaints.services.errors import ValidationError

ELECTION_FIELDS = ("code", "name", "name_ru", "name_ky", "kind", "election_day", "timezone", "is_active",
                   "filing_days", "cure_days", "reply_days", "decision_days", "election_day_decision_hours",
                   "appeal_days")
CATEGORY_FIELDS = ("code", "name", "name_ru", "name_ky", "legal_basis", "position", "refer_to_law_enforcement")
BODY_FIELDS = ("code", "kind", "name", "name_ru", "name_ky", "position")
USER_FIELDS = ("full_name", "email", "phone", "role", "affiliation_id", "locale")
MIN_PASSWORD = 10


def _apply(record: Any, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Set `fields` from `data`; return {field: [old, new]} for what changed."""
    changes: dict[str, list[Any]] = {}
    for name in fields:
        if name not in data:
            continue
        old, new = getattr(record, name), data[name]
        if old != new:
            changes[name] = [old, new]
            setattr(record, name, new)
    return changes


def _taken(session: Session, column: Any, value: Any, record: Any, *where: Any) -> bool:
    """Another row than `record` has `value` in `column`."""
    query = select(func.count()).where(column == value, *where)
    if record is not None and record.id is not None:
        query = query.where(column.class_.id != record.id)
    return bool(session.scalar(query))


# --------------------------------------------------------------------------- elections

def save_election(session: Session, actor: User, election: Election | None, data: dict[str, Any]) -> Election:
    """Create (election None) or change an election. Raises ValidationError."""
    errors: dict[str, str] = {}
    code = str(data.get("code") or "").strip().upper()
    data = dict(data, code=code)
    if not code or not code.replace("-", "").isalnum():
        errors["code"] = "Use letters, digits and dashes, e.g. KG2027P."
    elif _taken(session, Election.code, code, election):
        errors["code"] = "Another election has this code."
    if election is not None and code != election.code and election.case_seq:
        errors["code"] = "Cases are numbered with this code: it cannot change."
    try:
        ZoneInfo(str(data.get("timezone") or ""))
    except (ZoneInfoNotFoundError, ValueError):
        errors["timezone"] = "Give a time zone name, e.g. Asia/Bishkek."
    for name in ("filing_days", "cure_days", "reply_days", "decision_days", "election_day_decision_hours",
                 "appeal_days"):
        value = data.get(name)
        if not isinstance(value, int) or value <= 0 or value > 365 * 24:
            errors[name] = "A whole number greater than 0."
    if not isinstance(data.get("election_day"), dt.date):
        errors["election_day"] = "Give the date of election day."
    if data.get("kind") not in set(ElectionKind):
        errors["kind"] = "Choose the kind of election."
    if not str(data.get("name") or "").strip():
        errors["name"] = "Give the election's name."
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    data["kind"] = ElectionKind(data["kind"])
    created = election is None
    if election is None:
        election = Election(code=code, name=data["name"], kind=data["kind"], election_day=data["election_day"])
        session.add(election)
    changes = _apply(election, data, ELECTION_FIELDS)
    session.flush()
    history.append_admin(session, actor, "election_created" if created else "election_changed",
                         f"election:{election.id}", {"code": election.code, "changes": changes})
    return election


# --------------------------------------------------------------------------- categories

def save_category(session: Session, actor: User, election: Election, category: Category | None,
                  data: dict[str, Any]) -> Category:
    errors: dict[str, str] = {}
    code = str(data.get("code") or "").strip().lower()
    data = dict(data, code=code)
    if not code or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = "Use lower-case letters, digits and underscores, e.g. vote_buying."
    elif _taken(session, Category.code, code, category, Category.election_id == election.id):
        errors["code"] = "This election already has a category with this code."
    if not str(data.get("name") or "").strip():
        errors["name"] = "Give the category's name."
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    created = category is None
    if category is None:
        category = Category(election=election, code=code, name=data["name"])
        session.add(category)
    changes = _apply(category, data, CATEGORY_FIELDS)
    session.flush()
    history.append_admin(session, actor, "category_created" if created else "category_changed",
                         f"category:{category.id}",
                         {"election": election.code, "code": category.code, "changes": changes})
    return category


def set_category_retired(session: Session, actor: User, category: Category, retired: bool) -> bool:
    """Retire (or bring back) a category; old cases keep it. False when nothing changed."""
    if (category.retired_at is not None) == retired:
        return False
    category.retired_at = utcnow() if retired else None
    session.flush()
    history.append_admin(session, actor, "category_retired" if retired else "category_restored",
                         f"category:{category.id}", {"election": category.election.code, "code": category.code})
    return True


# --------------------------------------------------------------------------- transfer bodies

def save_body(session: Session, actor: User, body: TransferTarget | None, data: dict[str, Any]) -> TransferTarget:
    errors: dict[str, str] = {}
    code = str(data.get("code") or "").strip().lower()
    data = dict(data, code=code)
    if not code or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = "Use lower-case letters, digits and underscores, e.g. osh_city_court."
    elif _taken(session, TransferTarget.code, code, body):
        errors["code"] = "Another body has this code."
    elif body is not None and code != body.code and _cited(session, body):
        errors["code"] = "Cases were transferred to this body: its code cannot change."
    if data.get("kind") not in set(TransferBody):
        errors["kind"] = "Choose what kind of body it is."
    if not str(data.get("name") or "").strip():
        errors["name"] = "Give the body's name."
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    data["kind"] = TransferBody(data["kind"])
    created = body is None
    if body is None:
        body = TransferTarget(code=code, kind=data["kind"], name=data["name"])
        session.add(body)
    changes = _apply(body, data, BODY_FIELDS)
    session.flush()
    history.append_admin(session, actor, "body_created" if created else "body_changed",
                         f"transfer_body:{body.id}", {"code": body.code, "changes": changes})
    return body


def _cited(session: Session, body: TransferTarget) -> bool:
    from complaints.models import Complaint

    return bool(session.scalar(select(func.count()).select_from(Complaint)
                               .where(Complaint.transferred_to == body.code)))


def set_body_retired(session: Session, actor: User, body: TransferTarget, retired: bool) -> bool:
    if (body.retired_at is not None) == retired:
        return False
    body.retired_at = utcnow() if retired else None
    session.flush()
    history.append_admin(session, actor, "body_retired" if retired else "body_restored",
                         f"transfer_body:{body.id}", {"code": body.code})
    return True


# --------------------------------------------------------------------------- accounts

def normalise_phone(value: str | None) -> str | None:
    """+<digits> (E.164), spaces, dashes and brackets dropped; None when empty.
    Raises ValueError when it is not a phone number."""
    if value is None or not value.strip():
        return None
    raw = value.strip()
    digits = "".join(ch for ch in raw if ch.isdigit())
    if any(ch not in "+0123456789 -()" for ch in raw) or not 7 <= len(digits) <= 15:
        raise ValueError("not a phone number")
    return "+" + digits


def _check_user(session: Session, user: User | None, data: dict[str, Any], errors: dict[str, str]) -> None:
    if data.get("role") not in set(Role):
        errors["role"] = "Choose a role."
    if "phone" in data:
        try:
            data["phone"] = normalise_phone(data["phone"])
        except ValueError:
            errors["phone"] = "Give a mobile number with its country code, e.g. +996 555 123 456."
        else:
            if data["phone"] and _taken(session, User.phone, data["phone"], user):
                errors["phone"] = "Another account has this number."
    affiliation = data.get("affiliation_id")
    if affiliation is not None and session.get(Respondent, affiliation) is None:
        errors["affiliation_id"] = "Choose a candidate or party from the registry."
    email = data.get("email")
    if email and ("@" not in email or len(email) > 200):
        errors["email"] = "Give an e-mail address."
    if not data.get("email"):
        data["email"] = None


def create_user(session: Session, actor: User, data: dict[str, Any],
                password: str | None = None) -> tuple[User, str]:
    """A new account; without `password`, a random one. Returns the account and its
    password (to hand over once; only its hash is kept)."""
    password = password if password is not None else secrets.token_urlsafe(12)
    errors: dict[str, str] = {}
    username = str(data.get("username") or "").strip()
    if not username or len(username) > 64 or not username.replace("_", "").replace(".", "").replace("-", "").isalnum():
        errors["username"] = "Letters, digits, dots, dashes and underscores, at most 64."
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = "This username is taken."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Use a password of at least {MIN_PASSWORD} characters."
    data = dict(data)
    _check_user(session, None, data, errors)
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    user = User(username=username, role=Role(data["role"]), password_hash=hash_password(password),
                full_name=str(data.get("full_name") or username))
    session.add(user)
    data["role"] = Role(data["role"])
    _apply(user, data, USER_FIELDS)
    session.flush()
    history.append_admin(session, actor, "user_created", f"user:{user.id}",
                         {"username": user.username, "role": user.role.value,
                          "affiliation_id": user.affiliation_id, "phone": user.phone})
    return user, password


def update_user(session: Session, actor: User, user: User, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Change an account's details and role. A changed role ends the account's sessions
    and revokes its tokens at once: its next request is no longer signed in."""
    errors: dict[str, str] = {}
    data = dict(data)
    _check_user(session, user, data, errors)
    if user.id == actor.id and data.get("role") != user.role:
        errors["role"] = "You cannot change your own role."
    if errors:
        raise ValidationError("Some fields need attention.", errors)
    data["role"] = Role(data["role"])
    changes = _apply(user, data, USER_FIELDS)
    revoked: list[int] = []
    if "role" in changes:
        end_sessions(user)
        revoked = _revoke_all(session, user)
    session.flush()
    if changes:
        history.append_admin(session, actor, "user_changed", f"user:{user.id}",
                             {"username": user.username, "changes": changes, "tokens_revoked": revoked})
    return changes


def set_user_active(session: Session, actor: User, user: User, active: bool) -> bool:
    """Disable (or enable) an account. Disabling ends its sessions and revokes its tokens."""
    if user.is_active == active:
        return False
    if user.id == actor.id and not active:
        raise ValidationError("You cannot disable your own account.", {"is_active": "Not your own account."})
    user.is_active = active
    revoked: list[int] = []
    if not active:
        end_sessions(user)
        revoked = _revoke_all(session, user)
    session.flush()
    history.append_admin(session, actor, "user_enabled" if active else "user_disabled", f"user:{user.id}",
                         {"username": user.username, "tokens_revoked": revoked})
    return True


def reset_password(session: Session, actor: User, user: User) -> str:
    """A new random password for `user` (returned once, to hand over); ends its sessions."""
    password = secrets.token_urlsafe(12)
    user.password_hash = hash_password(password)
    end_sessions(user)
    session.flush()
    history.append_admin(session, actor, "password_reset", f"user:{user.id}", {"username": user.username})
    return password


# --------------------------------------------------------------------------- API tokens

def _revoke_all(session: Session, user: User) -> list[int]:
    now = utcnow()
    live = list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))))
    for token in live:
        token.revoked_at = now
    return [t.id for t in live]


def revoke_token(session: Session, actor: User, token: ApiToken) -> bool:
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    session.flush()
    history.append_admin(session, actor, "token_revoked", f"api_token:{token.id}",
                         {"prefix": token.prefix, "owner": token.user.username})
    return True


def admin_history(session: Session, limit: int = 50) -> list[Any]:
    from complaints.models import CaseHistory

    return list(session.scalars(select(CaseHistory).where(CaseHistory.complaint_id.is_(None))
                                .order_by(CaseHistory.seq.desc()).limit(limit)))
