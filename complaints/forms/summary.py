"""One error summary for a form: every problem, in words, each tied to the field it is about.

WTForms keeps the errors of a row list or a sub-form as nested structures
(`{'category_id': ['Choose a category.']}`); a person should read "Allegation 1,
category: Choose a category." with a link to that select instead."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _


@dataclass
class ErrorItem:
    """One problem: `target` is the id of the control to go to (None: the whole form)."""

    target: str | None
    label: str
    message: str


def _row_name(list_field: Any, index: int) -> str:
    names = getattr(list_field, "row_label", None)
    if names:
        return str(names) % {"n": index + 1}
    return f"{list_field.label.text} {index + 1}"


def _target(field: Any) -> str | None:
    if field.type in ("HiddenField", "CSRFTokenField"):
        return None
    if field.type == "RadioField":
        return f"{field.id}-0"
    return str(field.id)


def _walk(field: Any, prefix: list[str], out: list[ErrorItem]) -> None:
    if field.type == "FieldList":
        for index, entry in enumerate(field.entries):
            _walk(entry, [*prefix, _row_name(field, index)], out)
        return
    if field.type == "FormField":
        # A row of a list is already named ("Allegation 1"); a sub-form is named by its label.
        in_list = field.name.rsplit("-", 1)[-1].isdigit()
        for sub in field.form:
            _walk(sub, prefix if in_list else [*prefix, str(field.label.text)], out)
        return
    messages = [str(m) for m in field.errors if not isinstance(m, dict | list | tuple)]
    if not messages:
        return
    if field.type == "CSRFTokenField":
        out.append(ErrorItem(None, "", _("The form had expired. Check it and send it again.")))
        return
    label = str(field.label.text) if field.label is not None else ""
    if prefix:
        label = ", ".join([*prefix, label[:1].lower() + label[1:] if label else label]) if label else \
            ", ".join(prefix)
    out.append(ErrorItem(_target(field), label, " ".join(messages)))


def error_items(form: Any) -> list[ErrorItem]:
    """Every error of `form` in reading order: the form's own first, then field by field."""
    out = [ErrorItem(None, "", str(message)) for message in getattr(form, "form_errors", [])]
    for field in form:
        _walk(field, [], out)
    return out
