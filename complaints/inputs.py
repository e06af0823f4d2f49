"""What each lifecycle action must be given: one marshmallow schema per action, the
single source of truth for its input. `apply_action` loads the data through it (the
web form's payload and the API body alike), the OpenAPI description shows it as the
action's body, and the web's action forms are checked against it (tests).

Also the field types every input shares (text the database can store, ids, aware
date-times) and `flatten`, which names nested errors as the pages and the API do
("sanctions-0-amount"). Meaning that needs the database or the case (is this
respondent a party? is the assignee recused?) stays with the action's handler."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from marshmallow import fields, validate, validates_schema

from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    InadmissibilityGround,
    LinkKind,
    Outcome,
    SanctionKind,
)
from complaints.i18n import N_, localize_validation
from complaints.lifecycle import Action

MAX_ID = 2**31 - 1


# --------------------------------------------------------------------------- field types

def _clean_text(value: str) -> None:
    if "\x00" in value:
        raise ma.ValidationError(_("Text may not contain NUL characters."))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ma.ValidationError(_("Text must be valid Unicode.")) from None


class Text(fields.String):
    """A string the database can store: no NUL, no lone surrogates, bounded length."""

    def __init__(self, max_length: int = 20000, min_length: int | None = None, **kwargs: Any) -> None:
        validators = list(kwargs.pop("validate", []) or [])
        validators.append(validate.Length(min=min_length, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        result = super()._deserialize(value, attr, data, **kwargs)
        _clean_text(result)
        return result


class Stripped(Text):
    """Text with its surrounding whitespace removed (what the actions store)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class BoundedList(fields.List):
    """A list refused by its length before any item is deserialized."""

    def __init__(self, cls_or_instance: Any, max_items: int, min_items: int = 0, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Length(min=min_items, max=max_items))
        super().__init__(cls_or_instance, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) > self.max_items:
            raise ma.ValidationError(_("At most %(n)s items.", n=self.max_items))
        return super()._deserialize(value, attr, data, **kwargs)


class Lines(BoundedList):
    """A list of non-empty lines; text is split at line breaks (a textarea)."""

    def __init__(self, max_items: int = 50, **kwargs: Any) -> None:
        super().__init__(Stripped(max_length=2000, min_length=1), max_items, min_items=1, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            value = [line for line in value.splitlines() if line.strip()]
        elif isinstance(value, list | tuple):
            value = [v for v in value if not (isinstance(v, str) and not v.strip())]
        return super()._deserialize(value, attr, data, **kwargs)


class OneOrMany(BoundedList):
    """A list that also takes a single value (a form's one checked box)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, list | tuple):
            value = [value]
        return super()._deserialize(value, attr, data, **kwargs)


def Id(**kwargs: Any) -> fields.Integer:  # noqa: N802 (a field factory reads like a field class)
    kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
    return fields.Integer(strict=kwargs.pop("strict", True), **kwargs)


def _sane_year(value: dt.datetime) -> None:
    if not 1990 <= value.year <= 2200:
        raise ma.ValidationError(_("Give a date between 1990 and 2200."))


class AwareWhen(fields.AwareDateTime):
    """ISO 8601 text with its offset, or an aware datetime (a web form's, already read in
    the election's zone); loaded as UTC."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise self.make_error("invalid_awareness", awareness=self.AWARENESS, obj_type=self.OBJ_TYPE)
            result = value
        else:
            result = super()._deserialize(value, attr, data, **kwargs)
        try:
            return result.astimezone(dt.UTC)
        except OverflowError:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from None


def When(**kwargs: Any) -> AwareWhen:  # noqa: N802
    kwargs.setdefault("validate", _sane_year)
    kwargs.setdefault("metadata", {"description": N_("ISO 8601 date and time with its offset, e.g. "
                                                  "2017-10-15T09:30:00+06:00")})
    return AwareWhen(format="iso", **kwargs)


def flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """marshmallow (or webargs) messages ({"json": {"allegations": {0: {"facts": [...]}}}})
    as {"allegations-0-facts": "..."}, the same names the services and forms use."""
    out: dict[str, str] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "files", "headers", "view_args"):
                out.update(flatten(value, ""))
                continue
            name = str(key) if key != "_schema" else (prefix or "body")
            out.update(flatten(value, f"{prefix}-{name}" if prefix and key != "_schema" else name))
    elif isinstance(messages, list | tuple):
        if all(isinstance(m, str) for m in messages):
            out[prefix or "body"] = " ".join(localize_validation(m) for m in messages)
        else:
            for m in messages:
                out.update(flatten(m, prefix))
    else:
        out[prefix or "body"] = localize_validation(str(messages))
    return out


# --------------------------------------------------------------------------- the actions' inputs

class ActionInput(ma.Schema):
    """Base: unknown keys are ignored; a blank value counts as not given."""

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _drop_blanks(self, data: Any, **_kw: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {k: v for k, v in data.items() if v is not None and not (isinstance(v, str) and not v.strip())}


def _note(required: bool = False, max_length: int = 20000, **kw: Any) -> Stripped:
    return Stripped(max_length=max_length, required=required, **kw)


class NoInput(ActionInput):
    """The action needs nothing."""


class SubmitIn(ActionInput):
    received_at = When(metadata={"description": N_("When the complaint was received (default: now).")})
    late_reason = _note(metadata={"description": N_("Why it is filed after the filing deadline.")})


class MarkDeficientIn(ActionInput):
    defects = Lines(required=True, metadata={"description": N_("What the filer must correct: a list, or one per line.")})


class CureIn(ActionInput):
    note = _note(True, 5000, metadata={"description": N_("What was corrected.")})


class DeclareInadmissibleIn(ActionInput):
    grounds = OneOrMany(fields.Enum(InadmissibilityGround, by_value=True), 10, min_items=1, required=True)
    reasons = _note(True)
    legal_basis = _note(True, 5000)
    how_to_appeal = _note(True, 5000)


class OverturnInadmissibilityIn(ActionInput):
    note = _note(True, 5000, metadata={"description": N_("Why the complaint goes back to intake.")})


class TransferIn(ActionInput):
    transfer_to = Stripped(max_length=48, required=True,
                           metadata={"description": N_("The code of a configured transfer body.")})
    note = _note(max_length=5000)


class AcceptIn(ActionInput):
    assignee_id = Id(strict=False, metadata={"description": N_("The investigator to assign (optional).")})


class AssignIn(ActionInput):
    assignee_id = Id(strict=False, required=True)


class NotifyRespondentIn(ActionInput):
    respondent_id = Id(strict=False, required=True)
    served_at = When(metadata={"description": N_("When the notice was served (default: now).")})


class RecordReplyIn(ActionInput):
    respondent_id = Id(strict=False, required=True)
    reply = _note(True)
    received_at = When(metadata={"description": N_("When the reply came in (default: now).")})


class RequestEvidenceIn(ActionInput):
    note = _note(True, 5000, metadata={"description": N_("What is requested, from whom.")})


class AddEvidenceIn(ActionInput):
    evidence = fields.Dict(required=True, metadata={"description": N_("The stored evidence's record (internal).")})


class AddNoteIn(ActionInput):
    note = _note(True)


class DraftConclusionIn(ActionInput):
    conclusion = _note(True)


class LinkCaseIn(ActionInput):
    other_case = Stripped(max_length=32, required=True, metadata={"description": N_("The other case's number.")})
    link_kind = fields.Enum(LinkKind, by_value=True, required=True)


class ScheduleHearingIn(ActionInput):
    hearing_at = When(required=True)
    hearing_place = _note(True, 300)


class SanctionIn(ActionInput):
    kind = fields.Enum(SanctionKind, by_value=True, required=True)
    respondent_id = Id(strict=False, metadata={"description": N_("A respondent of this case.")})
    amount = fields.Integer(strict=False, validate=validate.Range(min=1, max=10**12),
                            metadata={"description": N_("For a fine: the amount (KGS).")})
    note = _note(max_length=2000)

    @validates_schema
    def _fine_has_amount(self, data: dict[str, Any], **_kw: Any) -> None:
        if data.get("kind") == SanctionKind.FINE and data.get("amount") is None:
            raise ma.ValidationError({"amount": [_("A fine needs its amount.")]})


class DecideIn(ActionInput):
    outcome = fields.Enum(Outcome, by_value=True, required=True)
    reasons = _note(True)
    legal_basis = _note(True, 5000)
    remedy = _note(max_length=5000)
    dissent = _note()
    votes_for = fields.Integer(strict=False, required=True, validate=validate.Range(min=0, max=1000))
    votes_against = fields.Integer(strict=False, required=True, validate=validate.Range(min=0, max=1000))
    votes_abstain = fields.Integer(strict=False, load_default=0, validate=validate.Range(min=0, max=1000))
    sanctions = BoundedList(fields.Nested(SanctionIn), 10, load_default=list)

    @validates_schema(skip_on_field_errors=False)
    def _majority(self, data: dict[str, Any], **_kw: Any) -> None:
        errors: dict[str, list[str]] = {}
        if "votes_for" in data and "votes_against" in data and data["votes_for"] <= data["votes_against"]:
            errors["votes_for"] = [_("A decision needs more votes for than against.")]
        if data.get("sanctions") and data.get("outcome") == Outcome.REJECTED:
            errors["sanctions"] = [_("A rejected complaint imposes no sanction.")]
        if errors:
            raise ma.ValidationError(errors)


class PublishIn(ActionInput):
    public_text = _note(metadata={"description": N_("The redacted text (default: the decision's reasons).")})


class FileAppealIn(ActionInput):
    appeal_body = fields.Enum(AppealBody, by_value=True, required=True)
    appellant = fields.Enum(Appellant, by_value=True, required=True)
    case_number = _note(max_length=64)
    filed_at = When(metadata={"description": N_("When the appeal was filed (default: now).")})
    note = _note(max_length=5000)


class RecordAppealOutcomeIn(ActionInput):
    appeal_outcome = fields.Enum(AppealOutcome, by_value=True, required=True)
    note = _note(max_length=5000)


class ReasonIn(ActionInput):
    reason = _note(max_length=5000)


#: One schema per action. CREATE and EDIT take the filing input (the filing form, the
#: API's ComplaintIn) and are not loaded here.
INPUTS: dict[Action, type[ActionInput]] = {
    Action.SUBMIT: SubmitIn,
    Action.MARK_DEFICIENT: MarkDeficientIn,
    Action.CURE: CureIn,
    Action.DECLARE_INADMISSIBLE: DeclareInadmissibleIn,
    Action.CONFIRM_INADMISSIBILITY: NoInput,
    Action.OVERTURN_INADMISSIBILITY: OverturnInadmissibilityIn,
    Action.TRANSFER: TransferIn,
    Action.ACCEPT: AcceptIn,
    Action.ASSIGN: AssignIn,
    Action.NOTIFY_RESPONDENT: NotifyRespondentIn,
    Action.RECORD_REPLY: RecordReplyIn,
    Action.REQUEST_EVIDENCE: RequestEvidenceIn,
    Action.ADD_EVIDENCE: AddEvidenceIn,
    Action.ADD_NOTE: AddNoteIn,
    Action.DRAFT_CONCLUSION: DraftConclusionIn,
    Action.LINK_CASE: LinkCaseIn,
    Action.SCHEDULE_HEARING: ScheduleHearingIn,
    Action.DECIDE: DecideIn,
    Action.PUBLISH: PublishIn,
    Action.FILE_APPEAL: FileAppealIn,
    Action.RECORD_APPEAL_OUTCOME: RecordAppealOutcomeIn,
    Action.REOPEN: NoInput,
    Action.WITHDRAW: ReasonIn,
    Action.CLOSE: ReasonIn,
    Action.MARK_OVERDUE: NoInput,
    Action.CURE_LAPSED: NoInput,
}
#: Actions whose input is the complaint's content, not an action body.
CONTENT_ACTIONS = frozenset({Action.CREATE, Action.EDIT})

#: The text that goes into the history row's note, per action.
NOTE_FIELDS: dict[Action, str] = {
    Action.ADD_NOTE: "note", Action.CURE: "note", Action.OVERTURN_INADMISSIBILITY: "note",
    Action.REQUEST_EVIDENCE: "note", Action.TRANSFER: "note", Action.WITHDRAW: "reason",
    Action.RECORD_APPEAL_OUTCOME: "note", Action.FILE_APPEAL: "note",
}


class InputError(Exception):
    """The action's data does not fit its schema; `fields` maps names to messages."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = fields


def load(action: Action, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The action's data, loaded through its schema. Raises InputError."""
    try:
        loaded: dict[str, Any] = INPUTS[action]().load(dict(data or {}))
    except ma.ValidationError as exc:
        raise InputError(flatten(exc.messages)) from None
    return loaded
