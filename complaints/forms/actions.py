"""One small form per lifecycle action (the shape of the input only).

Field names are the data keys `services.cases.apply_action` reads, so a form's
`.payload()` goes to the service unchanged and the service's field errors land
next to the fields they name. Every form carries the case's `version` (optimistic
lock). Each form is rendered with the action as its prefix, so several forms on
one page never share an element id."""
from __future__ import annotations

import datetime as dt
from typing import Any, cast
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from complaints.enums import (
    AppealBody,
    AppealOutcome,
    Appellant,
    InadmissibilityGround,
    LinkKind,
    Outcome,
    SanctionKind,
)
from complaints.forms import AppForm, TranslatedMeta, enum_choices
from complaints.lifecycle import Action
from complaints.models.election import election_zone


def choices(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input read in the case's election's zone (DOMAIN.md section 4;
    the form's `zone`); `data` is aware UTC."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
                                     "%Y-%m-%d %H:%M:%S"])
        kwargs.setdefault("invalid_value_message", _l("Give a date and time, e.g. 2017-10-15 14:30."))
        kwargs.setdefault("tz", election_zone(None))
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        value = cast("dt.datetime | None", getattr(self, "data", None))
        if value is not None:
            self.data = value.astimezone(dt.UTC)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ActionForm(AppForm):
    """Base: the hidden version every action form carries. Times are read in `zone`
    (the case's election's)."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            if issubclass(unbound_field.field_class, LocalDateTimeField):
                options = {**options, "tz": lambda: form.zone}
            return unbound_field.bind(form=form, **options)

    def __init__(self, *args: Any, zone: ZoneInfo | None = None, **kwargs: Any) -> None:
        self.zone = zone or election_zone(None)
        super().__init__(*args, **kwargs)

    version = IntegerField(widget=widgets.HiddenInput(), validators=[InputRequired()])

    #: Fields that are not data for the service.
    NOT_DATA = frozenset({"version", "csrf_token"})

    def payload(self) -> dict[str, Any]:
        """The data the service reads, from the validated form."""
        return {name: field.data for name, field in self._fields.items() if name not in self.NOT_DATA}


class MarkDeficientForm(ActionForm):
    defects = TextAreaField(_l("Defects, one per line"), validators=[DataRequired(), Length(max=5000)])


class CureForm(ActionForm):
    note = TextAreaField(_l("What you corrected"), validators=[DataRequired(), Length(max=5000)])


class DeclareInadmissibleForm(ActionForm):
    grounds = MultiCheckboxField(_l("Grounds"), choices=enum_choices(InadmissibilityGround),
                                 validators=[DataRequired(_l("Give at least one ground."))])
    reasons = TextAreaField(_l("Written reasons"), validators=[DataRequired(), Length(max=20000)])
    legal_basis = TextAreaField(_l("Legal basis"), validators=[DataRequired(), Length(max=5000)])
    how_to_appeal = TextAreaField(_l("How to appeal"), validators=[DataRequired(), Length(max=5000)],
                                  default="An appeal lies to the first-instance court within 3 days of "
                                          "receiving this decision.")


class ConfirmInadmissibilityForm(ActionForm):
    pass


class OverturnInadmissibilityForm(ActionForm):
    note = TextAreaField(_l("Reasons for sending it back to intake"), validators=[DataRequired(), Length(max=5000)])


class TransferForm(ActionForm):
    #: Choices: the configured bodies that are not retired (set by the view).
    transfer_to = SelectField(_l("Transfer to"), choices=[], validators=[DataRequired()])
    note = TextAreaField(_l("Note (which body, why)"), validators=[Optional(), Length(max=5000)])


class AcceptForm(ActionForm):
    assignee_id = SelectField(_l("Assign an investigator (optional)"), coerce=str, choices=[],
                              validators=[Optional()])

    def payload(self) -> dict[str, Any]:
        return {"assignee_id": self.assignee_id.data or None}


class AssignForm(ActionForm):
    assignee_id = SelectField(_l("Assignee"), coerce=str, choices=[], validators=[DataRequired()])


class NotifyRespondentForm(ActionForm):
    respondent_id = SelectField(_l("Respondent"), coerce=str, choices=[], validators=[DataRequired()])
    served_at = LocalDateTimeField(_l("Served at (Bishkek time; empty: now)"), validators=[Optional()])


class RecordReplyForm(ActionForm):
    respondent_id = SelectField(_l("Respondent"), coerce=str, choices=[], validators=[DataRequired()])
    reply = TextAreaField(_l("The reply"), validators=[DataRequired(), Length(max=20000)])
    received_at = LocalDateTimeField(_l("Received at (Bishkek time; empty: now)"), validators=[Optional()])


class RequestEvidenceForm(ActionForm):
    note = TextAreaField(_l("What is requested, from whom"), validators=[DataRequired(), Length(max=5000)])


class AddNoteForm(ActionForm):
    note = TextAreaField(_l("Internal note (never shown to the filer or the public)"),
                         validators=[DataRequired(), Length(max=20000)])


class DraftConclusionForm(ActionForm):
    conclusion = TextAreaField(_l("Draft conclusion of the working group"),
                               validators=[DataRequired(), Length(max=20000)])


class LinkCaseForm(ActionForm):
    other_case = StringField(_l("Other case's registration number"),
                             validators=[DataRequired(), Length(max=32)], render_kw={"autocomplete": "off"})
    link_kind = SelectField(_l("Link as"), choices=enum_choices(LinkKind), validators=[DataRequired()])


class ScheduleHearingForm(ActionForm):
    hearing_at = LocalDateTimeField(_l("Date and time (Bishkek time)"), validators=[InputRequired()])
    hearing_place = StringField(_l("Place"), validators=[DataRequired(), Length(max=300)])


class SanctionForm(Form):
    """One sanction row; a row without a kind is ignored."""

    class Meta(TranslatedMeta):
        pass

    kind = SelectField(_l("Sanction"), choices=enum_choices(SanctionKind, ""), validators=[Optional()])
    respondent_id = SelectField(_l("On respondent"), coerce=str, choices=[], validators=[Optional()])
    amount = IntegerField(_l("Amount (KGS, for a fine)"), validators=[Optional(), NumberRange(min=1)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class DecideForm(ActionForm):
    outcome = SelectField(_l("Outcome"), choices=enum_choices(Outcome, ""), validators=[DataRequired()])
    reasons = TextAreaField(_l("Reasons"), validators=[DataRequired(), Length(max=20000)])
    legal_basis = TextAreaField(_l("Legal basis"), validators=[DataRequired(), Length(max=5000)])
    remedy = TextAreaField(_l("Remedy"), validators=[Optional(), Length(max=5000)])
    votes_for = IntegerField(_l("Votes for"), validators=[InputRequired(), NumberRange(min=0, max=1000)])
    votes_against = IntegerField(_l("Votes against"), validators=[InputRequired(), NumberRange(min=0, max=1000)])
    votes_abstain = IntegerField(_l("Abstaining"), validators=[Optional(), NumberRange(min=0, max=1000)],
                                 default=0)
    dissent = TextAreaField(_l("Dissenting opinions"), validators=[Optional(), Length(max=20000)])
    sanctions = FieldList(FormField(SanctionForm), min_entries=3, max_entries=10)

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        rows = []
        for entry in self.sanctions.entries:
            row = entry.form
            if not row.kind.data:
                continue
            rows.append({"kind": row.kind.data, "respondent_id": row.respondent_id.data or None,
                         "amount": row.amount.data, "note": row.note.data or None})
        data["sanctions"] = rows
        data["votes_abstain"] = self.votes_abstain.data or 0
        return data


class PublishForm(ActionForm):
    public_text = TextAreaField(_l("Redacted text for the public register"),
                                validators=[Optional(), Length(max=20000)])


class FileAppealForm(ActionForm):
    appeal_body = SelectField(_l("Appeal body"), choices=enum_choices(AppealBody, ""), validators=[DataRequired()])
    appellant = SelectField(_l("Appellant"), choices=enum_choices(Appellant), validators=[DataRequired()])
    case_number = StringField(_l("The appeal body's case number"), validators=[Optional(), Length(max=64)])
    filed_at = LocalDateTimeField(_l("Filed at (Bishkek time; empty: now)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class RecordAppealOutcomeForm(ActionForm):
    appeal_outcome = SelectField(_l("Outcome of the appeal"), choices=enum_choices(AppealOutcome, ""),
                                 validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])


class ReopenForm(ActionForm):
    pass


class WithdrawForm(ActionForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=5000)])


class CloseForm(ActionForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])


#: The actions taken through these forms. A draft's edit and submit, and adding evidence,
#: have pages of their own (the filing form, the evidence upload).
FORMS: dict[Action, type[ActionForm]] = {
    Action.MARK_DEFICIENT: MarkDeficientForm,
    Action.CURE: CureForm,
    Action.DECLARE_INADMISSIBLE: DeclareInadmissibleForm,
    Action.CONFIRM_INADMISSIBILITY: ConfirmInadmissibilityForm,
    Action.OVERTURN_INADMISSIBILITY: OverturnInadmissibilityForm,
    Action.TRANSFER: TransferForm,
    Action.ACCEPT: AcceptForm,
    Action.ASSIGN: AssignForm,
    Action.NOTIFY_RESPONDENT: NotifyRespondentForm,
    Action.RECORD_REPLY: RecordReplyForm,
    Action.REQUEST_EVIDENCE: RequestEvidenceForm,
    Action.ADD_NOTE: AddNoteForm,
    Action.DRAFT_CONCLUSION: DraftConclusionForm,
    Action.LINK_CASE: LinkCaseForm,
    Action.SCHEDULE_HEARING: ScheduleHearingForm,
    Action.DECIDE: DecideForm,
    Action.PUBLISH: PublishForm,
    Action.FILE_APPEAL: FileAppealForm,
    Action.RECORD_APPEAL_OUTCOME: RecordAppealOutcomeForm,
    Action.REOPEN: ReopenForm,
    Action.WITHDRAW: WithdrawForm,
    Action.CLOSE: CloseForm,
}
