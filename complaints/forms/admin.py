"""The administration's forms (shape of input only; services.admin checks meaning)."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from complaints.enums import ElectionKind, Role, TransferBody
from complaints.forms import AppForm, enum_choices
from complaints.models.election import DEFAULT_TIMEZONE

LANGUAGE_CHOICES = [SelectChoice("", _l("— the browser's —")), SelectChoice("en", "English"),
                    SelectChoice("ru", "Русский"), SelectChoice("ky", "Кыргызча")]


def _days(label: Any, default: int, hours: bool = False) -> IntegerField:
    return IntegerField(label, default=default,
                        validators=[InputRequired(), NumberRange(min=1, max=24 * 365 if hours else 365)])


class NamesMixin:
    name = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=200)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Optional(), Length(max=200)])
    name_ky = StringField(_l("Name (Kyrgyz)"), validators=[Optional(), Length(max=200)])


class ElectionForm(AppForm, NamesMixin):
    code = StringField(_l("Code (used in registration numbers)"), validators=[DataRequired(), Length(max=16)])
    kind = SelectField(_l("Kind"), choices=enum_choices(ElectionKind), validators=[DataRequired()])
    election_day = DateField(_l("Election day"), validators=[InputRequired()])
    timezone = StringField(_l("Time zone"), default=DEFAULT_TIMEZONE, validators=[DataRequired(), Length(max=64)])
    is_active = BooleanField(_l("Open for filing"), default=True)
    # Defaults: DOMAIN section 4 (the Venice Commission's short clocks).
    filing_days = _days(_l("Filing deadline (days from awareness)"), 3)
    cure_days = _days(_l("Days to cure a deficiency"), 1)
    reply_days = _days(_l("Days for the respondent's reply"), 2)
    decision_days = _days(_l("Days to decide"), 3)
    election_day_decision_hours = _days(_l("Hours to decide on election day and the day before"), 24, hours=True)
    appeal_days = _days(_l("Days to appeal"), 3)

    def data_for_service(self) -> dict[str, Any]:
        fields = ("code", "name", "name_ru", "name_ky", "kind", "election_day", "timezone", "is_active",
                  "filing_days", "cure_days", "reply_days", "decision_days", "election_day_decision_hours",
                  "appeal_days")
        out = {name: getattr(self, name).data for name in fields}
        for name in ("name", "name_ru", "name_ky", "timezone"):
            out[name] = (out[name] or "").strip()
        return out


class CategoryForm(AppForm, NamesMixin):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=48)])
    legal_basis = TextAreaField(_l("Legal basis"), validators=[Optional(), Length(max=2000)])
    position = IntegerField(_l("Order"), default=0, validators=[InputRequired(), NumberRange(min=0, max=10000)])
    refer_to_law_enforcement = BooleanField(_l("Referred on to law enforcement"))

    def data_for_service(self) -> dict[str, Any]:
        return {"code": self.code.data, "name": (self.name.data or "").strip(),
                "name_ru": (self.name_ru.data or "").strip(), "name_ky": (self.name_ky.data or "").strip(),
                "legal_basis": (self.legal_basis.data or "").strip() or None, "position": self.position.data,
                "refer_to_law_enforcement": bool(self.refer_to_law_enforcement.data)}


class BodyForm(AppForm, NamesMixin):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=48)])
    kind = SelectField(_l("Kind of body"), choices=enum_choices(TransferBody), validators=[DataRequired()])
    position = IntegerField(_l("Order"), default=0, validators=[InputRequired(), NumberRange(min=0, max=10000)])

    def data_for_service(self) -> dict[str, Any]:
        return {"code": self.code.data, "kind": self.kind.data, "name": (self.name.data or "").strip(),
                "name_ru": (self.name_ru.data or "").strip(), "name_ky": (self.name_ky.data or "").strip(),
                "position": self.position.data}


class UserForm(AppForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=enum_choices(Role), validators=[DataRequired()])
    #: Choices: the candidates and parties in the registry (set by the view).
    affiliation_id = SelectField(_l("Affiliated with (recused from its cases)"), choices=[],
                                 validators=[Optional()])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Mobile phone (SMS from it is linked to this account)"),
                        validators=[Optional(), Length(max=32)])
    locale = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])

    def data_for_service(self) -> dict[str, Any]:
        affiliation = self.affiliation_id.data
        return {"full_name": (self.full_name.data or "").strip(), "role": self.role.data,
                "affiliation_id": int(affiliation) if affiliation and str(affiliation).isdigit() else None,
                "email": (self.email.data or "").strip() or None, "phone": self.phone.data or None,
                "locale": self.locale.data or None}


class NewUserForm(UserForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)],
                           render_kw={"autocomplete": "off", "autocapitalize": "none"})

    def data_for_service(self) -> dict[str, Any]:
        return dict(super().data_for_service(), username=(self.username.data or "").strip())


class ConfirmForm(AppForm):
    """A bare POST (CSRF only): retire, restore, disable, enable, revoke, reset."""
