"""What the filing forms need besides `services.cases`: the respondent registry
(find or add a respondent by kind and name) and filers typed in on somebody's behalf."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from complaints.enums import CandidateStatus, ComplaintKind, FilerKind, RespondentKind
from complaints.models import Filer, Respondent
from complaints.names import clean_text, name_key, name_words
from complaints.services.errors import ValidationError


def registry_query(election_id: int | None, *, include_private: bool) -> Any:
    """The respondents a filer may choose for `election_id` (and those of no election)."""
    query = select(Respondent)
    if election_id is not None:
        query = query.where(or_(Respondent.election_id == election_id, Respondent.election_id.is_(None)))
    if not include_private:
        query = query.where(Respondent.is_public.is_(True))
    return query


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search_respondents(session: Session, q: str, *, election_id: int | None, include_private: bool,
                       limit: int = 20) -> list[Respondent]:
    """Type-ahead: the name as typed, or every word of it in any script or spelling
    (complaints.names): "Жээнбеков" finds "Sooronbay Jeenbekov"."""
    folded = q.strip().casefold()[:100]
    if not folded:
        return []
    matches: list[ColumnElement[bool]] = [Respondent.name_folded.like(_like(folded), escape="\\")]
    words = name_words(folded)[:5]
    if words:
        matches.append(and_(*(Respondent.name_key.like(_like(w), escape="\\") for w in words)))
    query = registry_query(election_id, include_private=include_private).where(or_(*matches))
    rows = session.scalars(query.order_by(Respondent.name_folded).limit(limit * 3)).all()
    # Names that start with the query first.
    key = " ".join(words)
    rows = sorted(rows, key=lambda r: (not (r.name_folded.startswith(folded) or r.name_key.startswith(key)),
                                       r.name_folded))
    return rows[:limit]


def similar_respondents(session: Session, name: str, *, kind: RespondentKind | str | None = None,
                        limit: int = 5) -> list[Respondent]:
    """Registry records that look like the respondent `name`: the same name key (the same
    name in another script or spelling), then those whose key holds every word of it
    or whose words it holds (a patronymic added or left out). Best first."""
    key = name_key(name)
    if not key:
        return []
    words = key.split()
    query = select(Respondent).where(or_(Respondent.name_key == key,
                                         and_(*(Respondent.name_key.like(_like(w), escape="\\") for w in words))))
    if kind is not None:
        query = query.where(Respondent.kind == RespondentKind(kind))
    rows = list(session.scalars(query.order_by(Respondent.id).limit(limit * 4)))
    # Also records whose every word is among the words typed (the name typed is longer).
    wider = select(Respondent).where(or_(*(Respondent.name_key.like(_like(w), escape="\\") for w in words[:5])))
    if kind is not None:
        wider = wider.where(Respondent.kind == RespondentKind(kind))
    for r in session.scalars(wider.order_by(Respondent.id).limit(limit * 20)):
        if r not in rows and r.name_key and set(r.name_key.split()) <= set(words):
            rows.append(r)
    rows.sort(key=lambda r: (r.name_key != key, r.id))
    return rows[:limit]


def find_or_add_respondent(session: Session, kind: RespondentKind | str, name: str, *,
                           election_id: int | None) -> Respondent:
    """The registry's respondent of this kind and name, or a new one: repeat
    respondents stay one record so they can be counted. The name is compared by its
    key, so "Жээнбеков Сооронбай" is the existing "Sooronbay Jeenbekov"."""
    kind = RespondentKind(kind)
    name = " ".join(clean_text(name).split())
    if not name:
        raise ValidationError(_("Give the respondent's name."), {"new_name": _("Give the respondent's name.")})
    key = name_key(name)
    existing = session.scalar(select(Respondent).where(Respondent.kind == kind,
                                                       or_(Respondent.name_folded == name.casefold(),
                                                           and_(Respondent.name_key == key, Respondent.name_key != "")))
                              .order_by(Respondent.id).limit(1))
    if existing is not None:
        return existing
    respondent = Respondent(kind=kind, name=name, election_id=election_id,
                            candidate_status=CandidateStatus.REGISTERED if kind == RespondentKind.CANDIDATE else None)
    session.add(respondent)
    session.flush()
    return respondent


@dataclass
class FilerInput:
    kind: str | None = None
    name: str | None = None
    identity_number: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    organisation: str | None = None
    accreditation_number: str | None = None
    consent_to_contact: bool = False

    def cleaned(self) -> FilerInput:
        out = FilerInput()
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = " ".join(value.split()) or None
            setattr(out, f.name, value)
        out.consent_to_contact = bool(self.consent_to_contact)
        return out


def standing_errors(kind: FilerKind | str | None, name: str | None, accreditation_number: str | None, *,
                    complaint_kind: ComplaintKind | str) -> dict[str, str]:
    """The one definition of standing (art. 44(2)): a name unless anonymous; observers
    give their accreditation; anonymous filing is for violation reports only (an
    anonymous filer cannot appeal). Empty when the filer has standing."""
    try:
        kind = FilerKind(kind or "")
    except ValueError:
        return {"kind": _("Choose the filer's standing.")}
    errors: dict[str, str] = {}
    if kind == FilerKind.ANONYMOUS:
        if ComplaintKind(complaint_kind) == ComplaintKind.APPEAL:
            errors["kind"] = _("An appeal cannot be anonymous: an anonymous filer cannot appeal.")
        return errors
    if not (name or "").strip():
        errors["name"] = _("Give the filer's name.")
    if kind == FilerKind.OBSERVER and not (accreditation_number or "").strip():
        errors["accreditation_number"] = _("An observer gives the accreditation number.")
    return errors


def filer_errors(data: FilerInput, *, complaint_kind: str) -> dict[str, str]:
    """`standing_errors` for details typed in (whitespace folded first)."""
    data = data.cleaned()
    return standing_errors(data.kind, data.name, data.accreditation_number, complaint_kind=complaint_kind)


SAME_FIELDS = ("kind", "name", "identity_number", "address", "phone", "email", "organisation",
               "accreditation_number", "consent_to_contact")


def typed_filer(session: Session, data: FilerInput, *, current: Filer | None, user_id: int | None) -> Filer:
    """A filer record for details typed in; the current one is reused when nothing changed.
    Call `filer_errors` first."""
    data = data.cleaned()
    kind = FilerKind(data.kind or "")
    if kind == FilerKind.ANONYMOUS:
        data = FilerInput(kind=kind.value)
    if current is not None and all(getattr(current, k) == (kind if k == "kind" else
                                                           getattr(data, k)) for k in SAME_FIELDS):
        return current
    filer = Filer(kind=kind, name=data.name, identity_number=data.identity_number, address=data.address,
                  phone=data.phone, email=data.email, organisation=data.organisation,
                  accreditation_number=data.accreditation_number, consent_to_contact=data.consent_to_contact,
                  user_id=user_id)
    session.add(filer)
    session.flush()
    return filer
