"""The browsable API reference, rendered on the server from the OpenAPI description:
no script, no third-party origin."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import gettext

from complaints.i18n import N_

bp = Blueprint("apidocs", __name__, template_folder="templates")

METHODS = ("get", "post", "put", "patch", "delete")

#: The descriptions flask-smorest gives the responses it documents itself.
LIBRARY_TEXTS = (N_("OK"), N_("Created"), N_("Default error response"), N_("Unprocessable Entity"))


def _t(text: str | None) -> str:
    """The spec's English text in the page's language (the spec itself stays English)."""
    return gettext(text) if text else ""


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    if isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target.get(part, {})
        return target
    return node


def _fields(spec: dict[str, Any], schema: Any, prefix: str = "", depth: int = 0) -> list[dict[str, Any]]:
    """A schema's properties as flat rows (nested objects and lists of objects unfolded)."""
    schema = _resolve(spec, schema) or {}
    rows: list[dict[str, Any]] = []
    if "oneOf" in schema:
        # One body per value of the discriminator (the actions): each with its own fields.
        mapping = (schema.get("discriminator") or {}).get("mapping") or {}
        names = {ref: value for value, ref in mapping.items()}
        for variant in schema["oneOf"]:
            label = names.get(variant.get("$ref"), "")
            rows.extend(_fields(spec, variant, f"{prefix}[{label}] " if label else prefix, depth + 1))
        return rows
    required = set(schema.get("required", []))
    for name, prop in (schema.get("properties") or {}).items():
        prop = _resolve(spec, prop)
        kind = prop.get("type") or ("object" if "properties" in prop else "")
        item = _resolve(spec, prop.get("items")) if kind == "array" else None
        if item and (item.get("type") or "object") != "object":
            kind = f"array of {item.get('type')}"
        elif item:
            kind = "array of objects"
        if prop.get("format"):
            kind += f" ({prop['format']})"
        rows.append({"name": prefix + name, "type": kind, "required": name in required,
                     "nullable": bool(prop.get("nullable")), "enum": prop.get("enum") or
                     (item or {}).get("enum"), "description": _t(prop.get("description"))})
        if depth < 3:
            if item and "properties" in item:
                rows.extend(_fields(spec, item, f"{prefix}{name}[].", depth + 1))
            elif "properties" in prop:
                rows.extend(_fields(spec, prop, f"{prefix}{name}.", depth + 1))
    return rows


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    ops = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = None
            content = (op.get("requestBody") or {}).get("content", {})
            for media, entry in content.items():
                body = {"media": media, "fields": _fields(spec, entry.get("schema", {}))}
            responses = []
            for status, resp in op.get("responses", {}).items():
                resp = _resolve(spec, resp)
                schema = (resp.get("content", {}).get("application/json") or {}).get("schema")
                responses.append({"status": status, "description": _t(resp.get("description")),
                                  "fields": _fields(spec, schema) if schema and status.startswith("2") else []})
            parameters = [dict(_resolve(spec, p)) for p in [*op.get("parameters", []), *item.get("parameters", [])]]
            for parameter in parameters:
                parameter["description"] = _t(parameter.get("description"))
            ops.append({"method": method.upper(), "path": path, "summary": _t(op.get("summary")),
                        "description": _t(op.get("description")), "tag": (op.get("tags") or [""])[0],
                        "public": op.get("security") == [],
                        "parameters": parameters,
                        "body": body, "responses": responses,
                        "anchor": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", "")})
    return ops


@bp.route("/docs/api")
def reference() -> Any:
    """The API reference: every endpoint, its parameters, body and responses."""
    spec = current_app.extensions["aryz-api"].spec.to_dict()
    return render_template("apidocs/reference.html", spec=spec, operations=operations(spec),
                           spec_url=url_for("api-docs.openapi_json"))
