"""The JSON API under /api/v1, described by OpenAPI 3 at /api/v1/openapi.json.

flask-smorest builds the description from the blueprints' schemas. Its app-wide error
handler is not installed: HTML pages keep theirs (complaints.web.errors, which also
answers JSON for unknown /api/ URLs), and the API blueprints answer their own errors
in the contract's shape (complaints.api.common)."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask_smorest import Api

from complaints.api import audit, common, complaints, docs, evidence, reference, schemas
from complaints.security import limiter

BLUEPRINTS = [complaints.bp, evidence.bp, reference.bp, reference.public_bp, audit.bp]

API_DESCRIPTION = """The election complaints API: the same product as the pages, with the same roles,
per-case access and lifecycle.

Authenticate with `Authorization: Bearer <token>` (operators create tokens with
`flask --app app create-token USERNAME`). Session cookies are not accepted here.
Errors are JSON: `{"error": {"code": ..., "message": ..., "fields": {...}}}`."""


class ContainedApi(Api):
    """An Api whose errors stay inside its own blueprints."""

    ERROR_SCHEMA = schemas.ErrorSchema

    def _register_error_handlers(self) -> None:
        """Each API blueprint registers its own (common.register_error_handlers) when it is made."""


def _settings(app: Flask) -> None:
    defaults: dict[str, Any] = {
        "API_TITLE": "Aryz: election complaints",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_RATE_LIMIT": "300 per minute",
        "API_SPEC_OPTIONS": {
            "info": {"description": API_DESCRIPTION},
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        },
    }
    for key, value in defaults.items():
        app.config.setdefault(key, value)


_limited = False


def init_app(app: Flask) -> None:
    global _limited
    _settings(app)
    if not _limited:
        for bp in BLUEPRINTS:
            limiter.limit(common.rate_limit, key_func=common.rate_key)(bp)
        _limited = True
    api = ContainedApi(app)
    for bp in BLUEPRINTS:
        api.register_blueprint(bp)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        for bp in BLUEPRINTS:
            csrf.exempt(bp)
    _document_action_bodies(api)
    app.register_blueprint(docs.bp)
    app.extensions["aryz-api"] = api


ACTIONS_PATH = "/api/v1/complaints/{registration_number}/actions"


def _document_action_bodies(api: Api) -> None:
    """POST .../actions takes one body per action: describe it as one of those
    (discriminated by `action`), each from the schema the service loads."""
    refs = {}
    for action, schema in schemas.action_bodies().items():
        name = schema.__name__
        if name not in api.spec.components.schemas:
            api.spec.components.schema(name, schema=schema)
        refs[action.value] = f"#/components/schemas/{name}"
    operation = api.spec._paths[ACTIONS_PATH]["post"]  # noqa: SLF001 - amend the generated operation
    operation["requestBody"]["content"]["application/json"]["schema"] = {
        "oneOf": [{"$ref": ref} for ref in refs.values()],
        "discriminator": {"propertyName": "action", "mapping": refs}}
