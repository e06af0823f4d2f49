"""Filing without a network: the web app manifest (installable), the service worker
served from our own origin at the root (so its scope is the whole site), and the texts
the outbox script shows, in the page's language.

How a complaint filed offline reaches us: `static/offline.js` keeps the filled form
(fields and files) in the phone's IndexedDB, keyed by the form's own key; when the
network returns it fetches the filing form once for a fresh CSRF token and posts the
kept form to the same web endpoint, with that key. The form key makes the post
idempotent (complaints.web.form_keys): a resend after a lost answer, a second tab or a
reopened browser answers with the first case. The kept form is deleted once the receipt
is in."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

bp = Blueprint("offline", __name__)

#: Plural forms are rendered on the server for counts up to this (Russian and Kyrgyz differ).
COUNTS = 30


@bp.route("/manifest.webmanifest")
def manifest() -> Any:
    body = {
        "name": _("Aryz: election complaints"),
        "short_name": _("Aryz"),
        "start_url": url_for("main.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1d4ed8",
        "icons": [{"src": url_for("static", filename=f"icon-{n}.png"), "sizes": f"{n}x{n}", "type": "image/png",
                   "purpose": "any"} for n in (192, 512)],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    return response


@bp.route("/sw.js")
def service_worker() -> Any:
    with current_app.open_resource("static/sw.js") as handle:
        response = current_app.response_class(handle.read(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def outbox_messages() -> dict[str, Any]:
    """The outbox script's sentences, in the current language."""
    return {
        "waiting": [ngettext("%(num)d complaint waiting to be sent", "%(num)d complaints waiting to be sent", n)
                    for n in range(1, COUNTS + 1)],
        "kept": _("You are offline. The complaint is kept on this phone and will be sent when the network "
                  "returns. You can file another one."),
        "sending": _("Sending the complaints kept on this phone…"),
        "sent": _("Sent: complaint %(number)s, tracking code %(code)s. Nothing of it is kept on this phone."),
        "sent_no_code": _("Sent: complaint %(number)s. Nothing of it is kept on this phone."),
        "login": _("Log in to send the complaints kept on this phone."),
        "check": _("A complaint kept on this phone needs corrections before it can be filed."),
    }


@bp.app_context_processor
def _messages() -> dict[str, Any]:
    return {"outbox_messages": outbox_messages}
