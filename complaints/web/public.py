"""The public face: dashboard `/public`, register `/public/register`, case permalinks, exports."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)
