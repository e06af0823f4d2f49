"""Translations: which language a request is served in, and the compiled catalogues.

The locale is, in order: the language the signed-in account chose, the one chosen in this
session, the browser's Accept-Language, English. The catalogues live in
`complaints/translations/<code>/LC_MESSAGES/messages.po`; their `.mo` files are compiled
from them when the app starts (and by `make`), so a fresh clone serves every language."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import Babel, get_locale, get_translations, gettext, refresh
from flask_login import current_user

babel = Babel()

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
#: The functions whose string arguments are messages (with the positions of singular and plural).
KEYWORDS: dict[str, Any] = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
                            "lazy_ngettext": (1, 2), "N_": None, "NP_": (1, 2)}

#: Each UI language named in itself, for the language switch.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча"}


def N_(message: str) -> str:
    """Marks a message for extraction where it cannot be translated yet (API descriptions,
    module constants); it is translated where it is shown."""
    return message


#: marshmallow's English messages (the inputs of actions and of the API), each matched
#: and said again from our catalogues: (pattern, message with the pattern's groups).
VALIDATION_MESSAGES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), m) for p, m in [
    (r"Missing data for required field\.", N_("This field is required.")),
    (r"Field may not be null\.", N_("This field is required.")),
    (r"Not a valid integer\.", N_("Not a valid integer value.")),
    (r"Not a valid (?:number|decimal)\.", N_("Not a valid float value.")),
    (r"Not a valid (?:datetime|date)\.", N_("Not a valid date and time.")),
    (r"Not a valid aware datetime\.", N_("Give the time zone (e.g. +06:00).")),
    (r"Not a valid string\.", N_("Must be text.")),
    (r"Not a valid list\.", N_("Must be a list.")),
    (r"Not a valid boolean\.", N_("Must be yes or no.")),
    (r"Not a valid mapping type\.", N_("Must be an object.")),
    (r"Unknown field\.", N_("Unknown field.")),
    (r"Invalid value\.", N_("Invalid input.")),
    (r"Longer than maximum length (?P<n>\d+)\.", N_("At most %(n)s characters.")),
    (r"Shorter than minimum length (?P<n>\d+)\.", N_("At least %(n)s characters.")),
    (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", N_("From %(min)s to %(max)s long.")),
    (r"Must be one of: (?P<values>.*)\.", N_("Choose one of: %(values)s.")),
    (r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
     N_("Must be between %(min)s and %(max)s.")),
    (r"Must be greater than or equal to (?P<min>\S+)\.", N_("Number must be at least %(min)s.")),
    (r"Must be less than or equal to (?P<max>\S+)\.", N_("Number must be at most %(max)s.")),
]]


def localize_validation(message: str) -> str:
    """A validation message in the request's language: marshmallow's own through the
    table above, ours (already translated when raised) unchanged."""
    for pattern, ours in VALIDATION_MESSAGES:
        found = pattern.fullmatch(message)
        if found:
            return gettext(ours, **found.groupdict()) if found.groupdict() else gettext(ours)
    return message


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and scripts speak English
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    user = current_user
    if user.is_authenticated and getattr(user, "locale", None) in languages:
        return str(user.locale)
    chosen = session.get("lang")
    if chosen in languages:
        return str(chosen)
    # The browser's languages in its order of preference, `ky-KG` counting as `ky`.
    for tag, _quality in request.accept_languages:
        primary = tag.split("-")[0].split("_")[0].lower()
        if primary in languages:
            return primary
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def current_language() -> str:
    """The language of this request as a BCP 47 tag, for `<html lang>`."""
    locale = get_locale()
    return str(locale).replace("_", "-") if locale else "en"


def compile_catalogues(directory: Path = TRANSLATIONS) -> list[Path]:
    """Compile every `messages.po` whose `.mo` is missing or older. Fuzzy entries are left
    out (they fall back to English). Each file is replaced atomically, so workers that start
    together never read half a file. Returns the files written."""
    written = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(tmp, mo)
        written.append(mo)
    return written


def extract() -> Catalog:
    """Every message of the code and templates (babel.cfg says which files), as a template
    catalogue: what `ru` and `ky` must translate."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    template = Catalog(project="Aryz", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update_catalogues(template: Catalog, directory: Path = TRANSLATIONS) -> list[str]:
    """Merge `template` into each language's catalogue: new messages arrive empty, changed
    ones are marked fuzzy (a guess from the old text, to be checked), vanished ones are
    dropped. Returns the languages written."""
    done = []
    for po in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        catalog.update(template, no_fuzzy_matching=False)
        catalog.obsolete.clear()
        with po.open("wb") as out:
            write_po(out, catalog, no_location=True, sort_output=True, width=100, omit_header=False)
        done.append(po.parent.parent.name)
    return done


class FormTranslations:
    """WTForms' own messages ("This field is required.") from this app's catalogues, so
    Kyrgyz (which WTForms does not ship) is covered like Russian. The messages are listed
    in complaints/forms/wtforms_messages.py so that extraction finds them."""

    def gettext(self, string: str) -> str:
        return str(get_translations().ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(get_translations().ungettext(singular, plural, n))


form_translations = FormTranslations()


@click.group("translations")
def translations_group() -> None:
    """The translation catalogues (README: how a translator updates them)."""


@translations_group.command("update")
def update_command() -> None:
    """Extract the messages and merge them into every language's messages.po."""
    template = extract()
    for code in update_catalogues(template):
        click.echo(f"updated {TRANSLATIONS.name}/{code}/LC_MESSAGES/messages.po")


@translations_group.command("init")
@click.argument("code")
def init_command(code: str) -> None:
    """Start the catalogue of a new language CODE (e.g. uz) from the extracted messages."""
    po = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    if po.exists():
        raise click.ClickException(f"{code} already has a catalogue")
    po.parent.mkdir(parents=True)
    catalog = Catalog(locale=code, project="Aryz", charset="utf-8")
    catalog.update(extract())
    with po.open("wb") as out:
        write_po(out, catalog, no_location=True, sort_output=True, width=100)
    click.echo(f"created {po.relative_to(ROOT)}: translate it, then add {code!r} to LANGUAGES")


@translations_group.command("compile")
def compile_command() -> None:
    """Compile the catalogues that changed (the app also does this when it starts)."""
    for mo in compile_catalogues():
        click.echo(f"compiled {mo.relative_to(ROOT)}")


def init_app(app: Flask) -> None:
    app.cli.add_command(translations_group)
    try:
        compile_catalogues()
    except OSError as exc:  # a read-only install: `make` or the package build compiled them
        app.logger.warning("could not compile the translation catalogues: %s", exc)
    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel caches the locale on `g`; a request that reuses an app context (tests,
    # a view calling another) must still choose its own language.
    app.before_request(refresh)

    @app.context_processor
    def language_context() -> dict[str, Any]:
        return {"html_lang": current_language, "language_names": LANGUAGE_NAMES}
