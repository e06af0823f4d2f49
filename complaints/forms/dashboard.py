"""The dashboards' filter form (GET: no CSRF token, bookmarkable)."""
from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from complaints.forms import AppForm
from complaints.models import Category, Election, Region
from complaints.services import stats


def _int_or_none(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


#: Dates outside these years are no election's: refused before they reach date arithmetic.
FIRST_YEAR, LAST_YEAR = 1990, 2200


def sane_day(_form: Any, field: Any) -> None:
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(_l("Give a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR))


class StatsFilterForm(AppForm):
    class Meta:
        csrf = False

    election = SelectField(_l("Election"), coerce=_int_or_none, validate_choice=False)
    start = DateField(_l("Received from"), validators=[Optional(), sane_day])
    end = DateField(_l("Received until"), validators=[Optional(), sane_day])
    region = SelectField(_l("Region"), coerce=_int_or_none, validate_choice=False)
    category = SelectField(_l("Category"), coerce=_int_or_none, validate_choice=False)

    def load_choices(self, session: Session) -> Election | None:
        """Fill the choices; return the chosen election (the current one by default)."""
        lang = str(get_locale() or "en")
        elections = list(session.scalars(select(Election).order_by(Election.election_day.desc())))
        self.election.choices = [(e.id, f"{e.name_in(lang)} ({e.code})") for e in elections]
        chosen = next((e for e in elections if e.id == self.election.data), None)
        if chosen is None:
            chosen = stats.default_election(session)
            self.election.data = chosen.id if chosen else None
        self.region.choices = [(None, _l("All regions"))] + [
            (r.id, r.name) for r in session.scalars(select(Region).order_by(Region.name))]
        cats: list[Category] = list(session.scalars(
            select(Category).where(Category.election_id == chosen.id).order_by(Category.position))) if chosen else []
        self.category.choices = [(None, _l("All categories"))] + [(c.id, c.name_in(lang)) for c in cats]
        if self.region.data not in {r for r, _ in self.region.choices}:
            self.region.data = None
        if self.category.data not in {c for c, _ in self.category.choices}:
            self.category.data = None
        return chosen

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.start.data and self.end.data and self.end.data < self.start.data:
            self.end.errors = [*self.end.errors, _l("The end of the period is before its start.")]
            ok = False
        return ok

    def filters(self, election: Election | None) -> stats.Filters:
        """The filters to apply; invalid dates are left out (their error is shown)."""
        return stats.Filters(election_id=election.id if election else None,
                             day_from=self.start.data if not self.start.errors else None,
                             day_to=self.end.data if not self.end.errors else None,
                             region_id=self.region.data, category_id=self.category.data)
