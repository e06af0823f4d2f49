"""The filing form's idempotency: a key rendered into each form, kept with the case it
made, so a second post of the same form (a double tap, a retry after a timeout, a
complaint queued offline and sent twice) answers with the first case.

The keys live in the API's Idempotency-Key table, under a "web:" prefix so the two
never meet; the nightly sweep forgets them after a day, as it does the API's."""
from __future__ import annotations

import hashlib
import json
import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from complaints.models import Complaint, IdempotencyKey, User

PREFIX = "web:"
#: Every web form key stores this in place of a request hash (the form, not the body, is the key).
FORM_HASH = hashlib.sha256(b"web filing form").hexdigest()
KEY_SHAPE = re.compile(r"^[0-9A-Za-z-]{16,64}$")


def valid(key: str | None) -> bool:
    return bool(key) and KEY_SHAPE.match(key or "") is not None


def find(session: Session, user: User, key: str | None) -> IdempotencyKey | None:
    """The row of this user's form key, if the form was posted before and kept."""
    if not valid(key):
        return None
    return session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                                       IdempotencyKey.key == PREFIX + str(key))
                          .execution_options(populate_existing=True))


def claim(session: Session, user: User, key: str | None) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """Take the key for a new case: (our row, None), or (None, the row another post of the
    same form holds). The insert waits on the unique (user, key) index while a concurrent
    post with the same key is still running."""
    if not valid(key):
        return None, None
    existing = find(session, user, key)
    if existing is not None:
        return None, existing
    row = IdempotencyKey(user_id=user.id, key=PREFIX + str(key), request_hash=FORM_HASH)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return None, find(session, user, key)
    return row, None


def bind(row: IdempotencyKey | None, case: Complaint) -> None:
    if row is not None:
        row.complaint_id = case.id


def remember_receipt(session: Session, user: User, key: str | None, case: Complaint, tracking_code: str | None) -> None:
    """Keep the receipt of the submitted case with the key: a retry shows it again."""
    if not valid(key):
        return
    row = find(session, user, key)
    if row is None:
        # A draft opened again and submitted: its form's key is kept from now on.
        row = IdempotencyKey(user_id=user.id, key=PREFIX + str(key), request_hash=FORM_HASH, complaint_id=case.id)
        session.add(row)
    if row.complaint_id != case.id:
        return
    row.response_status = 303
    row.response_body = json.dumps({"registration_number": case.registration_number,
                                    "tracking_code": tracking_code}, separators=(",", ":"))


def receipt_code(row: IdempotencyKey) -> str | None:
    try:
        body = json.loads(row.response_body or "{}")
    except ValueError:
        return None
    code = body.get("tracking_code") if isinstance(body, dict) else None
    return code if isinstance(code, str) else None
