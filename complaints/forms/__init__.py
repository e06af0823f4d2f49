"""WTForms: the shape of input only; services validate meaning."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from complaints import labels
from complaints.enums import Language
from complaints.i18n import form_translations


class TranslatedMeta:
    """WTForms' own messages ("This field is required.") from our catalogues (Kyrgyz too)."""

    def get_translations(self, form: Any) -> Any:
        return form_translations


class AppForm(FlaskForm):
    """Every form of the app (CSRF from Flask-WTF, messages in the request's language)."""

    class Meta(TranslatedMeta):
        pass

#: Choice labels that are not just the value in words.
LABELS: dict[Any, Any] = {
    Language.KY: _l("Kyrgyz"),
    Language.RU: _l("Russian"),
    Language.EN: _l("English"),
    Language.UZ: _l("Uzbek"),
    Language.OTHER: _l("Another language"),
}


def enum_choices(enum_cls: Any, blank: str | None = None, skip: tuple[Any, ...] = ()) -> list[SelectChoice]:
    """An enum as select choices: its value posted, its label (or the value in words) shown."""
    out = [SelectChoice(e.value, LABELS.get(e, labels.lazy_label(e)), {}) for e in enum_cls if e not in skip]
    return ([SelectChoice("", blank, {})] if blank is not None else []) + out
