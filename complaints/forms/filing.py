"""The filing form (monitors, `/complaints/new`) and the clerk's intake form
(`/complaints/intake`): the shape of the input only. The views fill the choices from
the database; `services.cases` decides whether the content is complete."""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FloatField,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from complaints.enums import Channel, ComplaintKind, FilerKind, Language, RespondentKind
from complaints.forms import AppForm, enum_choices
from complaints.services.cases import AllegationInput, ComplaintInput

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_ROWS = 20


def opt_int(value: Any) -> int | None:
    """'' -> None; '12' -> 12; anything else is left for the choice check to refuse."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return -1


def words(value: str) -> str:
    return value.replace("_", " ")


def choice(value: Any, label: Any, render_kw: dict[str, str] | None = None) -> SelectChoice:
    return SelectChoice("" if value is None else str(value), label, render_kw or {})


def local_field(label: Any, **kw: Any) -> DateTimeLocalField:
    return DateTimeLocalField(label, format=LOCAL_FORMATS, validators=[Optional()],
                              render_kw={"step": "60"}, **kw)


def to_utc(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """A datetime-local value typed in the election's zone, as aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC)


def to_local(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)


class RespondentRow(Form):
    """A respondent from the registry, or a new one of a given kind."""

    respondent_id = SelectField(_l("Respondent"), coerce=opt_int, validators=[Optional()])
    new_kind = SelectField(_l("Or a new respondent of this kind"), validators=[Optional()],
                           choices=enum_choices(RespondentKind, blank="—"))
    new_name = StringField(_l("New respondent's name"), validators=[Optional(), Length(max=200)])

    @property
    def is_blank(self) -> bool:
        return not self.respondent_id.data and not (self.new_name.data or "").strip()

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        name = (self.new_name.data or "").strip()
        if self.respondent_id.data and name:
            self.new_name.errors.append(_l("Choose from the registry or type a new name, not both."))
            ok = False
        elif name and not self.new_kind.data:
            self.new_kind.errors.append(_l("Say what kind of respondent this is."))
            ok = False
        return ok


class AllegationRow(Form):
    category_id = SelectField(_l("Category"), coerce=opt_int, validators=[Optional()])
    legal_provision = StringField(_l("Legal provision (article)"), validators=[Optional(), Length(max=200)])
    facts = TextAreaField(_l("Facts"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 4})

    @property
    def is_blank(self) -> bool:
        return not self.category_id.data and not (self.facts.data or "").strip() and \
            not (self.legal_provision.data or "").strip()

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_blank:
            return ok
        if not self.category_id.data:
            self.category_id.errors.append(_l("Choose a category."))
            ok = False
        if not (self.facts.data or "").strip():
            self.facts.errors.append(_l("State the facts."))
            ok = False
        return ok


class FilerDetails(Form):
    """Who files, typed in: kind with standing, identity and contacts."""

    kind = SelectField(_l("Filer's standing"), choices=enum_choices(FilerKind, blank="—"),
                       validators=[Optional()])
    name = StringField(_l("Name (person or organisation)"), validators=[Optional(), Length(max=200)],
                       render_kw={"autocomplete": "name"})
    identity_number = StringField(_l("Identity document number"), validators=[Optional(), Length(max=64)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)],
                          render_kw={"autocomplete": "street-address"})
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=64),
                                                 Regexp(r"^[0-9+()\-. ]{5,64}$", message=_l("Digits, spaces and + ( ) - only."))],
                        render_kw={"type": "tel", "autocomplete": "tel"})
    email = StringField(_l("E-mail"), validators=[Optional(), Length(max=200),
                                                  Regexp(EMAIL, message=_l("Not an e-mail address."))],
                        render_kw={"type": "email", "autocomplete": "email"})
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    accreditation_number = StringField(_l("Accreditation number (observers)"),
                                       validators=[Optional(), Length(max=64)])
    consent_to_contact = BooleanField(_l("The filer agrees to be contacted about this complaint"))

    @property
    def is_blank(self) -> bool:
        return not any((f.data or "") for f in (self.kind, self.name, self.identity_number, self.phone,
                                                 self.email, self.address))


class FilingForm(AppForm):
    """A complaint, as a monitor files it."""

    #: The draft this form saves to (uploads attach to it, so nothing is asked twice).
    draft_id = HiddenField()
    version = HiddenField()
    #: Set once the late-filing warning was shown: a second submit files it anyway.
    confirm_late = HiddenField()
    #: This form's own key: a second post of it answers with the case the first one made.
    form_key = HiddenField(default=lambda: uuid.uuid4().hex)
    #: Files already stored by an earlier POST of this form, signed (see complaints.web.filing_page).
    staged_evidence = HiddenField()

    election_id = SelectField(_l("Election"), coerce=opt_int, validators=[DataRequired(_l("Choose the election."))])
    kind = RadioField(_l("Kind of complaint"), choices=[
        choice(ComplaintKind.VIOLATION.value, _l("A report of a violation")),
        choice(ComplaintKind.APPEAL.value, _l("An appeal against a commission's act or inaction"))],
        default=ComplaintKind.VIOLATION.value, validators=[DataRequired()])
    on_behalf = BooleanField(_l("I file on behalf of another filer"))
    filer = FormField(FilerDetails, label=_l("Filer"))
    respondents = FieldList(FormField(RespondentRow), _l("Respondent"), min_entries=1, max_entries=MAX_ROWS)
    allegations = FieldList(FormField(AllegationRow), _l("Allegation"), min_entries=1, max_entries=MAX_ROWS)
    incident_at = local_field(_l("When it happened (Bishkek time)"))
    awareness_at = local_field(_l("When you learned of it (Bishkek time)"))
    act_date = local_field(_l("Date of the act appealed against (Bishkek time)"))
    act_description = TextAreaField(_l("The act or inaction appealed against"),
                                    validators=[Optional(), Length(max=5000)], render_kw={"rows": 2})
    region_id = SelectField(_l("Region"), coerce=opt_int, validators=[Optional()])
    district_id = SelectField(_l("District"), coerce=opt_int, validators=[Optional()])
    precinct_id = SelectField(_l("Precinct (polling station)"), coerce=opt_int, validators=[Optional()])
    place_detail = StringField(_l("Place: address or description"), validators=[Optional(), Length(max=300)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)],
                          render_kw={"inputmode": "decimal"})
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)],
                           render_kw={"inputmode": "decimal"})
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 5})
    remedy_sought = TextAreaField(_l("Remedy sought"), validators=[Optional(), Length(max=5000)],
                                  render_kw={"rows": 2})
    language = SelectField(_l("Language of the complaint"), choices=enum_choices(Language),
                           default=Language.RU.value)
    late_reason = TextAreaField(_l("Why it is filed after the deadline"), validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 2})
    evidence_files = MultipleFileField(_l("Evidence files"))
    evidence_links = TextAreaField(_l("Links to publications, one per line"),
                                   validators=[Optional(), Length(max=20000)], render_kw={"rows": 2,
                                                                                          "inputmode": "url"})
    evidence_description = StringField(_l("What the files and links show"),
                                       validators=[Optional(), Length(max=500)])

    add_respondent = SubmitField(_l("Add another respondent"))
    add_allegation = SubmitField(_l("Add another allegation"))
    save_draft = SubmitField(_l("Save as draft"))
    submit = SubmitField(_l("Submit the complaint"))

    #: Filed by the monitor's account; the intake form types the filer in.
    channels: tuple[Channel, ...] = (Channel.WEB,)

    @property
    def button(self) -> str:
        for name in ("submit", "save_draft", "add_respondent", "add_allegation"):
            if getattr(self, name).data:
                return name
        return "save_draft"

    @property
    def typed_filer(self) -> bool:
        return bool(self.on_behalf.data)

    def check_complete(self) -> bool:
        """On submit, say everything a complaint still lacks at once, next to its field
        (the service checks the same again; this only spares the filer a round per gap)."""
        gaps: list[tuple[Any, Any]] = []
        if all(e.form.is_blank for e in self.respondents):
            gaps.append((self.respondents[0].form.respondent_id,
                         _l("Name at least one respondent: choose one from the registry or type a new name.")))
        if all(e.form.is_blank for e in self.allegations):
            gaps.append((self.allegations[0].form.category_id,
                         _l("Add at least one allegation: choose its category and state the facts.")))
        if not (self.summary.data or "").strip():
            gaps.append((self.summary, _l("Summarise the complaint.")))
        if self.kind.data == ComplaintKind.APPEAL.value:
            if not self.act_date.data and not self.act_date.errors:
                gaps.append((self.act_date, _l("Give the date of the act appealed against.")))
        elif not self.awareness_at.data and not self.awareness_at.errors:
            gaps.append((self.awareness_at, _l("Say when you learned of it.")))
        if not self.region_id.data:
            gaps.append((self.region_id, _l("Choose the region.")))
        for field, message in gaps:
            field.errors = [*field.errors, message]
        return not gaps

    def links(self) -> list[str]:
        return [line.strip() for line in (self.evidence_links.data or "").splitlines() if line.strip()]

    def to_input(self, zone: str) -> ComplaintInput:
        """The validated form as the service's input; blank rows are left out."""
        appeal = self.kind.data == ComplaintKind.APPEAL.value
        return ComplaintInput(
            election_id=self.election_id.data,
            kind=ComplaintKind(self.kind.data or ComplaintKind.VIOLATION.value),
            summary=(self.summary.data or "").strip(),
            remedy_sought=self.remedy_sought.data,
            respondent_ids=[],  # filled by the view once new respondents exist
            allegations=[AllegationInput(category_id=row.category_id.data, facts=row.facts.data or "",
                                         legal_provision=row.legal_provision.data)
                         for row in (e.form for e in self.allegations) if not row.is_blank],
            incident_at=to_utc(self.incident_at.data, zone),
            awareness_at=None if appeal else to_utc(self.awareness_at.data, zone),
            act_date=to_utc(self.act_date.data, zone) if appeal else None,
            act_description=self.act_description.data if appeal else None,
            region_id=self.region_id.data, district_id=self.district_id.data, precinct_id=self.precinct_id.data,
            latitude=self.latitude.data, longitude=self.longitude.data, place_detail=self.place_detail.data,
            language=Language(self.language.data or Language.RU.value),
            late_reason=self.late_reason.data,
        )


class IntakeForm(FilingForm):
    """A paper, phone, e-mail or SMS complaint registered by a clerk."""

    channel = SelectField(_l("Received by"), choices=[
        choice(Channel.PAPER.value, _l("paper (in person or by post)")), choice(Channel.PHONE.value, _l("phone")),
        choice(Channel.EMAIL.value, _l("e-mail")), choice(Channel.SMS.value, _l("SMS"))],
        default=Channel.PAPER.value, validators=[DataRequired()])
    received_at = local_field(_l("Actually received at (Bishkek time; empty: now)"))

    channels = (Channel.PAPER, Channel.PHONE, Channel.EMAIL, Channel.SMS)

    @property
    def typed_filer(self) -> bool:
        return True


class TrackForm(AppForm):
    registration_number = StringField(_l("Registration number"), validators=[DataRequired(), Length(max=32)],
                                      render_kw={"autocapitalize": "characters", "autocomplete": "off",
                                                 "placeholder": "KG2017P-000103"})
    tracking_code = StringField(_l("Tracking code"), validators=[DataRequired(), Length(max=32)],
                                render_kw={"autocapitalize": "characters", "autocomplete": "off"})


class EvidenceUploadForm(AppForm):
    """Add files or links to a case after filing (the case page's small form)."""

    version = HiddenField()
    files = MultipleFileField(_l("Files"))
    links = TextAreaField(_l("Links, one per line"), validators=[Optional(), Length(max=20000)],
                          render_kw={"rows": 2})
    description = StringField(_l("What they show"), validators=[Optional(), Length(max=500)])

    def link_list(self) -> list[str]:
        return [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]
