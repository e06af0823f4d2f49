"""API tokens: made once and shown once, kept only as a SHA-256, revocable.

A token is `aryz_` followed by 43 URL-safe random characters; its first 12 characters
(the prefix) are kept in clear so that an owner can tell tokens apart and revoke one."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from complaints.db import utcnow
from complaints.models import ApiToken, User

TOKEN_PREFIX = "aryz_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 12
#: Writing `last_used_at` on every request would make every read a write.
TOUCH_EVERY = dt.timedelta(minutes=5)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for `user`. Returns the record and the token itself (not stored)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:PREFIX_LENGTH],
                      name=name[:100])
    session.add(record)
    session.flush()
    return record, token


def authenticate(session: Session, token: str) -> User | None:
    """The active user a live token belongs to, or None (unknown, revoked, inactive user)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    record = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None:
        return None
    user = record.user
    if user is None or not user.is_active:
        return None
    now = utcnow()
    if record.last_used_at is None or now - record.last_used_at > TOUCH_EVERY:
        record.last_used_at = now
    return user


def find_tokens(session: Session, ident: str) -> list[ApiToken]:
    """Tokens matching `ident`: a token id, or the start of a token (its prefix)."""
    ident = ident.strip()
    if not ident:
        return []
    conditions = [ApiToken.prefix == ident[:PREFIX_LENGTH]] if len(ident) >= PREFIX_LENGTH else \
        [ApiToken.prefix.startswith(ident, autoescape=True)] if ident.startswith(TOKEN_PREFIX) else []
    if ident.isdigit() and len(ident) < 10:
        conditions.append(ApiToken.id == int(ident))
    if not conditions:
        return []
    return list(session.scalars(select(ApiToken).where(or_(*conditions)).order_by(ApiToken.id)))


def revoke(session: Session, token: ApiToken) -> bool:
    """Revoke `token`; False when it was already revoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    session.flush()
    return True


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


#: How long a filing's Idempotency-Key is kept. Its stored response holds the tracking
#: code in clear (the only way to return "the first result"), so it is not kept for long.
IDEMPOTENCY_TTL = dt.timedelta(hours=24)


def purge_idempotency_keys(session: Session, now: dt.datetime | None = None) -> int:
    """Forget Idempotency-Keys older than IDEMPOTENCY_TTL; returns how many."""
    from sqlalchemy import delete

    from complaints.models import IdempotencyKey

    cutoff = (now or utcnow()) - IDEMPOTENCY_TTL
    result = session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < cutoff))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # a CursorResult
