"""Translations: every UI string is wrapped; the locale comes from the user's choice
(kept in the session) or the browser's Accept-Language."""
from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import Babel

babel = Babel()


def select_locale() -> str | None:
    chosen = session.get("lang")
    languages = current_app.config["LANGUAGES"]
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
