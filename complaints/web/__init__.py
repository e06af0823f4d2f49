"""The HTML side of the product: one blueprint per area."""
from __future__ import annotations

from importlib import import_module

from flask import Flask

#: Each module exposes `bp`; order matters only for readability.
BLUEPRINT_MODULES = [
    "complaints.web.main",
    "complaints.web.auth",
    "complaints.web.cases",
    "complaints.web.workflow",
    "complaints.web.bulk",
    "complaints.web.registry",
    "complaints.web.monitor",
    "complaints.web.evidence",
    "complaints.web.dashboard",
    "complaints.web.public",
    "complaints.web.admin",
    "complaints.web.offline",
    "complaints.web.webhooks",
]


def register_web(app: Flask) -> None:
    from complaints.web import filters

    filters.init_app(app)
    for name in BLUEPRINT_MODULES:
        app.register_blueprint(import_module(name).bp)
