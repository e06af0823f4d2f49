"""Operators' commands (`flask --app app ...`, CONTRACT.md)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from complaints.audit_cli import audit_group, checkpoint_if_due
from complaints.db import db
from complaints.enums import Role
from complaints.models import User
from complaints.security import hash_password


def demo_password() -> tuple[str, bool]:
    """COMPLAINTS_DEMO_PASSWORD, or one generated once and kept in the instance folder."""
    given = os.environ.get("COMPLAINTS_DEMO_PASSWORD")
    if given:
        return given, False
    path = Path(current_app.instance_path) / "demo-password.txt"
    if path.exists():
        return path.read_text().strip(), False
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password, True


@click.command("seed-demo")
@click.option("--generated", default=300, show_default=True, help="How many generated cases to add.")
def seed_demo_command(generated: int) -> None:
    """Load the 2017 demo election, its accounts and cases (once; a second run changes nothing)."""
    from complaints.seed import seed_demo

    password, _new = demo_password()
    session = db.session()
    loaded = seed_demo(session, password, generated=generated, live=True)
    session.commit()
    if loaded:
        click.echo("Loaded the 2017 presidential election demo, and a live demo election voting today.")
    else:
        click.echo("The demo is already loaded; nothing changed.")


@click.command("demo-accounts")
def demo_accounts_command() -> None:
    """Print the demo accounts and their password."""
    from complaints.demo.base import DEMO_USERS

    password, _new = demo_password()
    click.echo(f"Demo accounts (password for all: {password}):")
    for username, role, _name in DEMO_USERS:
        click.echo(f"  {username:<13} {role.value}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "full_name", default="", help="Full name shown to others.")
@click.password_option(prompt=True, confirmation_prompt=True, help="Asked for when not given.")
def create_user_command(username: str, role: str, full_name: str, password: str) -> None:
    """Create an account; asks for the password."""
    session = db.session()
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise click.ClickException(f"User {username!r} already exists.")
    if len(password) < 10:
        raise click.ClickException("Use a password of at least 10 characters.")
    session.add(User(username=username, role=Role(role), full_name=full_name or username,
                     password_hash=hash_password(password)))
    session.commit()
    click.echo(f"Created {username} ({role}).")


@click.group("deadlines")
def deadlines_group() -> None:
    """The statutory clocks."""


@deadlines_group.command("sweep")
def deadlines_sweep_command() -> None:
    """Refuse cases whose cure window lapsed; mark overdue cases and escalate them; close
    cases whose appeal window ran out."""
    from complaints.services.cases import sweep

    session = db.session()
    totals = {"overdue": 0, "closed": 0, "lapsed": 0}
    while True:
        counts = sweep(session)
        session.commit()
        for k, v in counts.items():
            totals[k] += v
        if not any(counts.values()):
            break
    from complaints.services.tokens import purge_idempotency_keys

    purged = purge_idempotency_keys(session)
    session.commit()
    from complaints.services.evidence_store import sweep_orphans

    orphans = sweep_orphans(session, current_app.config["EVIDENCE_DIR"])
    click.echo(f"Declared {totals['lapsed']} uncured case(s) inadmissible; "
               f"marked {totals['overdue']} case(s) overdue; closed {totals['closed']} case(s); "
               f"forgot {purged} expired Idempotency-Key(s); removed {orphans} orphaned upload file(s).")
    signed = checkpoint_if_due()
    if signed:
        click.echo(signed)


def init_app(app: Flask) -> None:
    from complaints import tokens_cli
    from complaints.backup_cli import backup_command, restore_command
    from complaints.stats_cli import generate_cases_command, stats_group

    for command in (seed_demo_command, demo_accounts_command, create_user_command, audit_group, deadlines_group,
                    backup_command, restore_command, stats_group, generate_cases_command):
        app.cli.add_command(command)
    tokens_cli.init_app(app)
    from complaints import notices_cli

    notices_cli.init_app(app)
