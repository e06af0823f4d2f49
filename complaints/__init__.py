"""Aryz: the election complaints case management application."""
from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands, in named steps."""
    from complaints import config

    app = Flask(__name__, instance_path=str(config.INSTANCE), instance_relative_config=False)
    app.config.from_mapping(config.from_env(overrides))
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    from flask_wtf import CSRFProtect

    from complaints import i18n, security
    from complaints.db import db
    from complaints.web import auth

    db.init_app(app)
    CSRFProtect(app)
    security.init_app(app)
    i18n.init_app(app)
    auth.init_login(app)


def _register_blueprints(app: Flask) -> None:
    from complaints import api
    from complaints.web import errors, register_web

    register_web(app)
    api.init_app(app)
    errors.init_app(app)


def _register_commands(app: Flask) -> None:
    from complaints import cli

    cli.init_app(app)
