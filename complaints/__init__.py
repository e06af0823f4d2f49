"""Aryz: the election complaints case management application."""
from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, commands, in named steps."""
    from complaints import config

    app = Flask(__name__, instance_path=str(config.INSTANCE), instance_relative_config=False)
    app.config.from_mapping(config.from_env(overrides))
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_commands(app)
    _one_transaction_per_request(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client's address and scheme from their headers
    (exactly N hops: a client cannot forge a hop the proxies do not add)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    hops = int(app.config.get("TRUSTED_PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


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
    from complaints.services import documents

    documents.configure(app.config["EVIDENCE_DIR"], app.config["PUBLIC_BASE_URL"])


def _register_blueprints(app: Flask) -> None:
    from complaints import api
    from complaints.web import errors, register_web

    register_web(app)
    api.init_app(app)
    errors.init_app(app)


def _one_transaction_per_request(app: Flask) -> None:
    from complaints.web import transaction

    transaction.init_app(app)


def _register_commands(app: Flask) -> None:
    from complaints import cli

    cli.init_app(app)
