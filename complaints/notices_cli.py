"""`flask notices send [--loop]`: deliver the outbox of e-mail notices (safe from cron)."""
from __future__ import annotations

import time

import click
from flask import Flask, current_app

from complaints.config import ROOT
from complaints.db import db


@click.group("notices")
def notices_group() -> None:
    """E-mail notices to the parties."""


@notices_group.command("send")
@click.option("--loop", is_flag=True, help="Keep running, sending what falls due.")
@click.option("--interval", default=30, show_default=True, help="Seconds between rounds with --loop.")
def send_command(loop: bool, interval: int) -> None:
    """Deliver the e-mail outbox over SMTP_URL; retries with backoff; never sends one twice."""
    from complaints.services import mailer

    settings = mailer.settings_from(current_app.config, ROOT)
    try:
        mailer.Transport(settings)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    while True:
        counts = mailer.send_due(db.session(), settings)
        click.echo(f"Sent {counts['sent']}; to retry {counts['retry']}; failed {counts['failed']}; "
                   f"delivery unknown {counts['unknown']}.")
        if not loop:
            return
        db.session.remove()
        time.sleep(max(interval, 1))


def init_app(app: Flask) -> None:
    app.cli.add_command(notices_group)
