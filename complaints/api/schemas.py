"""The shapes the API reads and writes (marshmallow), which are also its OpenAPI description."""
from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from complaints.api.common import MAX_ID, BoundedList, Id, Text, When
from complaints.enums import Channel, ComplaintKind, EvidenceKind, FilerKind, Language, ReceivingBody, RespondentKind
from complaints.i18n import N_
from complaints.inputs import INPUTS
from complaints.lifecycle import RULES, SYSTEM, Action, State


class ErrorBody(ma.Schema):
    code = fields.String(required=True, metadata={"description": N_("A stable machine-readable code.")})
    message = fields.String(required=True, metadata={"description": N_("What went wrong, for people.")})
    field_messages = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields",
                                 metadata={"description": N_("Per-field messages (field name -> message).")})
    current_version = fields.Integer(allow_none=True, metadata={"description": N_("409: the case's version now.")})
    current_status = fields.String(allow_none=True, metadata={"description": N_("409: the case's status now.")})
    allowed_actions = fields.List(fields.String(), metadata={"description": N_("403/409: what is allowed instead.")})


class ErrorSchema(ma.Schema):
    error = fields.Nested(ErrorBody, required=True)


# --------------------------------------------------------------------------- filing

class AllegationIn(ma.Schema):
    category_id = Id(required=True, metadata={"description": N_("A category of the election (GET /elections).")})
    facts = Text(required=True, min_length=1, max_length=20000)
    legal_provision = Text(max_length=200, allow_none=True)


class FilerIn(ma.Schema):
    """Who files, when intake staff register a complaint received on paper, by phone or e-mail."""

    kind = fields.Enum(FilerKind, by_value=True, required=True)
    name = Text(max_length=200, allow_none=True)
    identity_number = Text(max_length=64, allow_none=True)
    address = Text(max_length=300, allow_none=True)
    phone = Text(max_length=64, allow_none=True)
    email = Text(max_length=200, allow_none=True)
    consent_to_contact = fields.Boolean(load_default=False)
    accreditation_number = Text(max_length=64, allow_none=True)
    organisation = Text(max_length=200, allow_none=True)


class ComplaintIn(ma.Schema):
    election_id = Id(required=True)
    kind = fields.Enum(ComplaintKind, by_value=True, load_default=ComplaintKind.VIOLATION)
    summary = Text(required=True, min_length=1, max_length=20000)
    remedy_sought = Text(max_length=20000, allow_none=True)
    respondent_ids = BoundedList(Id(), max_items=50, min_items=1, required=True,
                                 metadata={"description": N_("Respondents from the registry (GET /respondents).")})
    allegations = BoundedList(fields.Nested(AllegationIn), max_items=50, min_items=1, required=True)
    incident_at = When(allow_none=True)
    awareness_at = When(allow_none=True, metadata={"description": N_("When the filer learned of it (the filing "
                                                                  "clock starts here); required for a violation.")})
    act_date = When(allow_none=True, metadata={"description": N_("For an appeal: the date of the act appealed.")})
    act_description = Text(max_length=20000, allow_none=True)
    region_id = Id(required=True)
    district_id = Id(allow_none=True)
    precinct_id = Id(allow_none=True)
    latitude = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=-90, max=90))
    longitude = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=-180, max=180))
    place_detail = Text(max_length=300, allow_none=True)
    language = fields.Enum(Language, by_value=True, load_default=Language.RU)
    receiving_body = fields.Enum(ReceivingBody, by_value=True, load_default=ReceivingBody.CEC)
    receiving_body_name = Text(max_length=200, allow_none=True)
    late_reason = Text(max_length=20000, allow_none=True)
    filer = fields.Nested(FilerIn, allow_none=True,
                          metadata={"description": N_("Intake staff only: the filer of a paper/phone/e-mail "
                                                   "complaint. A monitor always files as themselves.")})
    channel = fields.Enum(Channel, by_value=True, allow_none=True,
                          metadata={"description": N_("Intake staff only; default api.")})
    received_at = When(allow_none=True, metadata={"description": N_("Intake staff only; default now.")})


class FiledOut(ma.Schema):
    registration_number = fields.String(required=True)
    status = fields.Enum(State, by_value=True, required=True)
    version = fields.Integer(required=True)
    tracking_code = fields.String(required=True, metadata={
        "description": N_("Shown once: with the registration number it shows the status at /track.")})
    received_at = fields.AwareDateTime(required=True)
    late = fields.Boolean(required=True)
    filing_due_at = fields.AwareDateTime(allow_none=True)
    decision_due_at = fields.AwareDateTime(allow_none=True)


# --------------------------------------------------------------------------- reading cases

class ListArgs(ma.Schema):
    status = fields.List(fields.Enum(State, by_value=True), metadata={"description": N_("One or more statuses.")})
    election_id = Id(strict=False)
    region_id = Id(strict=False)
    category_id = Id(strict=False)
    respondent_id = Id(strict=False)
    overdue = fields.Boolean(metadata={"description": N_("Only cases whose running clock has expired (or not).")})
    q = Text(max_length=200, metadata={"description": N_("Words to search for, in any script or spelling (staff: "
                                                         "everything a case says; monitors: what the public "
                                                         "register shows).")})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = Text(max_length=200, metadata={"description": N_("`next_cursor` of the previous page (opaque).")})


class CaseSummary(ma.Schema):
    registration_number = fields.String(required=True)
    status = fields.Enum(State, by_value=True, required=True)
    kind = fields.Enum(ComplaintKind, by_value=True, required=True)
    channel = fields.Enum(Channel, by_value=True, required=True)
    election_id = fields.Integer(required=True)
    received_at = fields.AwareDateTime(allow_none=True)
    incident_at = fields.AwareDateTime(allow_none=True)
    region_id = fields.Integer(allow_none=True)
    region = fields.String(allow_none=True)
    category = fields.String(allow_none=True, metadata={"description": N_("The first allegation's category code.")})
    respondent = fields.String(allow_none=True, metadata={"description": N_("The first respondent.")})
    due_at = fields.AwareDateTime(allow_none=True)
    due_clock = fields.String(allow_none=True)
    overdue = fields.Boolean(required=True)
    late = fields.Boolean(required=True)
    assignee = fields.String(allow_none=True)
    version = fields.Integer(required=True)
    updated_at = fields.AwareDateTime(required=True)


class CasePage(ma.Schema):
    items = fields.List(fields.Nested(CaseSummary), required=True)
    next_cursor = fields.String(allow_none=True, required=True,
                                metadata={"description": N_("Pass as `cursor` for the next page; null at the end.")})


class RespondentOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.Enum(RespondentKind, by_value=True, required=True)
    name = fields.String(required=True)
    alternate_names = fields.List(fields.String(), metadata={"description": N_("Other spellings of the name "
                                                                               "(Latin forms of a Cyrillic name).")})
    affiliation = fields.String(allow_none=True)
    party_id = fields.Integer(allow_none=True)
    election_id = fields.Integer(allow_none=True)
    candidate_status = fields.String(allow_none=True)
    is_public = fields.Boolean(required=True)


class AllegationOut(ma.Schema):
    category_id = fields.Integer(required=True)
    category = fields.String(required=True)
    legal_provision = fields.String(allow_none=True)
    facts = fields.String(required=True)


class FilerOut(ma.Schema):
    kind = fields.Enum(FilerKind, by_value=True, required=True)
    name = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    accreditation_number = fields.String(allow_none=True)
    identity_number = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    consent_to_contact = fields.Boolean(required=True)


class EvidenceOut(ma.Schema):
    id = fields.Integer(required=True)
    kind = fields.Enum(EvidenceKind, by_value=True, required=True)
    sha256 = fields.String(allow_none=True)
    media_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    original_name = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    captured_at = fields.AwareDateTime(allow_none=True)
    confidential = fields.Boolean(required=True)
    submitted_at = fields.AwareDateTime(required=True)


class SanctionOut(ma.Schema):
    kind = fields.String(required=True)
    respondent_id = fields.Integer(allow_none=True)
    amount = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)


class DecisionOut(ma.Schema):
    outcome = fields.String(required=True)
    reasons = fields.String(required=True)
    legal_basis = fields.String(required=True)
    remedy = fields.String(allow_none=True)
    votes_for = fields.Integer(required=True)
    votes_against = fields.Integer(required=True)
    votes_abstain = fields.Integer(required=True)
    dissent = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(required=True)
    published_at = fields.AwareDateTime(allow_none=True)
    sanctions = fields.List(fields.Nested(SanctionOut), required=True)


class AppealOut(ma.Schema):
    appellant = fields.String(required=True)
    body = fields.String(required=True)
    case_number = fields.String(allow_none=True)
    filed_at = fields.AwareDateTime(required=True)
    outcome = fields.String(allow_none=True)
    outcome_at = fields.AwareDateTime(allow_none=True)


class HistoryOut(ma.Schema):
    seq = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor = fields.String(allow_none=True, metadata={"description": N_("Staff see names; a filer sees roles.")})
    actor_role = fields.String(required=True)
    action = fields.String(required=True)
    from_state = fields.String(allow_none=True)
    to_state = fields.String(required=True)
    note = fields.String(allow_none=True)
    payload = fields.Dict(required=True)
    internal = fields.Boolean(required=True)


class LinkOut(ma.Schema):
    kind = fields.String(required=True)
    registration_number = fields.String(allow_none=True)


class DeadlinesOut(ma.Schema):
    filing_due_at = fields.AwareDateTime(allow_none=True)
    decision_due_at = fields.AwareDateTime(allow_none=True)
    cure_due_at = fields.AwareDateTime(allow_none=True)
    reply_due_at = fields.AwareDateTime(allow_none=True)
    appeal_due_at = fields.AwareDateTime(allow_none=True)
    overdue_since = fields.AwareDateTime(allow_none=True)


class CaseDetail(CaseSummary):
    summary = fields.String(required=True)
    remedy_sought = fields.String(allow_none=True)
    awareness_at = fields.AwareDateTime(allow_none=True)
    act_date = fields.AwareDateTime(allow_none=True)
    act_description = fields.String(allow_none=True)
    district_id = fields.Integer(allow_none=True)
    precinct_id = fields.Integer(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    place_detail = fields.String(allow_none=True)
    language = fields.String(required=True)
    receiving_body = fields.String(required=True)
    filer = fields.Nested(FilerOut, allow_none=True)
    respondents = fields.List(fields.Nested(RespondentOut), required=True)
    allegations = fields.List(fields.Nested(AllegationOut), required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)
    defects = fields.List(fields.String(), allow_none=True)
    inadmissible_reasons = fields.String(allow_none=True)
    how_to_appeal = fields.String(allow_none=True)
    transferred_to = fields.String(allow_none=True)
    hearing_at = fields.AwareDateTime(allow_none=True)
    hearing_place = fields.String(allow_none=True)
    conclusion = fields.String(allow_none=True)
    decision = fields.Nested(DecisionOut, allow_none=True)
    appeal = fields.Nested(AppealOut, allow_none=True)
    deadlines = fields.Nested(DeadlinesOut, required=True)
    links = fields.List(fields.Nested(LinkOut), required=True)
    history = fields.List(fields.Nested(HistoryOut), required=True)
    allowed_actions = fields.List(fields.String(), required=True,
                                  metadata={"description": N_("Actions the caller may take now.")})


# --------------------------------------------------------------------------- actions

#: Taken through other endpoints (or the web form), never through /actions.
NOT_BY_ACTIONS = frozenset({Action.CREATE, Action.EDIT, Action.SUBMIT, Action.ADD_EVIDENCE})
#: The actions a client may post: every action a person may take, but those above.
API_ACTIONS = [a for a in Action if a not in NOT_BY_ACTIONS
               and any(r.actors - {SYSTEM} for r in RULES if r.action == a)]


def _camel(action: Action) -> str:
    return "".join(part.capitalize() for part in action.value.split("_"))


def action_bodies() -> dict[Action, type[ma.Schema]]:
    """Each action's body as the OpenAPI description shows it: its input schema
    (complaints.inputs, the same one the service loads) with `action` and `version`."""
    out: dict[Action, type[ma.Schema]] = {}
    for action in API_ACTIONS:
        rule = next(r for r in RULES if r.action == action)
        out[action] = type(f"{_camel(action)}Body", (INPUTS[action],), {
            "__doc__": f"`{action.value}`: {rule.description}",
            "action": fields.String(required=True, validate=validate.OneOf([action.value])),
            "version": fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                                      metadata={"description": N_("The case version you acted on.")}),
        })
    return out


class ActionIn(ma.Schema):
    """Documentation only: the body is read as a whole and the action's own fields are passed on."""

    class Meta:
        unknown = ma.INCLUDE

    action = fields.Enum(Action, by_value=True, required=True,
                         metadata={"description": N_("A lifecycle action; what it needs is in the reference.")})
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID),
                             metadata={"description": N_("The case version you acted on (optimistic lock).")})


class ActionOut(ma.Schema):
    registration_number = fields.String(required=True)
    action = fields.String(required=True)
    status = fields.Enum(State, by_value=True, required=True)
    from_status = fields.Enum(State, by_value=True, required=True)
    version = fields.Integer(required=True)
    payload = fields.Dict(required=True)


# --------------------------------------------------------------------------- evidence

class EvidenceForm(ma.Schema):
    kind = fields.Enum(EvidenceKind, by_value=True, allow_none=True,
                       metadata={"description": N_("Default: from the file's media type.")})
    description = Text(max_length=2000, allow_none=True)


# --------------------------------------------------------------------------- reference data

class CategoryOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class ElectionOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    election_day = fields.Date(required=True)
    timezone = fields.String(required=True)
    is_active = fields.Boolean(required=True)
    categories = fields.List(fields.Nested(CategoryOut), required=True)


class PrecinctOut(ma.Schema):
    id = fields.Integer(required=True)
    number = fields.String(required=True)
    address = fields.String(allow_none=True)


class DistrictOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    precincts = fields.List(fields.Nested(PrecinctOut), required=True)


class RegionOut(ma.Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True)
    districts = fields.List(fields.Nested(DistrictOut), required=True)


class RespondentArgs(ma.Schema):
    q = Text(max_length=100, metadata={"description": N_("Part of the name (case-insensitive).")})
    election_id = Id(strict=False)
    kind = fields.Enum(RespondentKind, by_value=True)
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class StatsArgs(ma.Schema):
    election_id = Id(strict=False)


class StatsOut(ma.Schema):
    """The public aggregates (see the public dashboard); more keys than listed here."""

    class Meta:
        unknown = ma.INCLUDE

    election = fields.Dict(allow_none=True, required=True,
                           metadata={"description": N_("id, code, name, election_day; null when there is none.")})
    total = fields.Integer(required=True)
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
