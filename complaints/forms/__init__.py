"""WTForms: the shape of input only; services validate meaning."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from complaints.enums import Language

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
    out = [SelectChoice(e.value, LABELS.get(e, e.value.replace("_", " ")), {}) for e in enum_cls if e not in skip]
    return ([SelectChoice("", blank, {})] if blank is not None else []) + out
