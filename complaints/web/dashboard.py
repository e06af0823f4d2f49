"""The staff dashboard `/dashboard`, its JSON, and the staff case export."""
from __future__ import annotations

from flask import Blueprint

from complaints.stats_cli import generate_cases_command, stats_group

bp = Blueprint("dashboard", __name__, cli_group=None)
bp.cli.add_command(stats_group)
bp.cli.add_command(generate_cases_command)
