"""Token commands: `create-token USERNAME`, `revoke-token PREFIX|ID`, `list-tokens USERNAME`."""
from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from complaints.db import db
from complaints.models import User
from complaints.services import tokens


def _user(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    return user


@click.command("create-token")
@click.argument("username")
@click.option("--name", default="", help="A label to tell this token from others (e.g. the app using it).")
def create_token_command(username: str, name: str) -> None:
    """Print a new API token for USERNAME. It is shown this once and stored hashed."""
    user = _user(username)
    if not user.is_active:
        raise click.ClickException(f"{username!r} is deactivated.")
    record, token = tokens.create_token(db.session(), user, name)
    db.session.commit()
    click.echo(token)
    click.echo(f"Token {record.id} ({record.prefix}...) for {user.username} ({user.role.value}). "
               "Keep it secret: it cannot be shown again.", err=True)


@click.command("revoke-token")
@click.argument("ident")
def revoke_token_command(ident: str) -> None:
    """Revoke the token with this id or prefix (the first 12 characters, or the whole token)."""
    found = tokens.find_tokens(db.session(), ident)
    if not found:
        raise click.ClickException(f"No token matches {ident!r}.")
    if len(found) > 1:
        listing = ", ".join(f"{t.id} ({t.prefix})" for t in found)
        raise click.ClickException(f"{ident!r} matches several tokens: {listing}. Give the id.")
    token = found[0]
    if tokens.revoke(db.session(), token):
        db.session.commit()
        click.echo(f"Revoked token {token.id} ({token.prefix}...).")
    else:
        click.echo(f"Token {token.id} ({token.prefix}...) was already revoked.")


@click.command("list-tokens")
@click.argument("username")
def list_tokens_command(username: str) -> None:
    """List USERNAME's tokens: id, prefix, name, created, last used, revoked."""
    user = _user(username)
    rows = tokens.tokens_of(db.session(), user)
    if not rows:
        click.echo(f"{username} has no tokens.")
        return

    def fmt(value: object) -> str:
        return value.strftime("%Y-%m-%d %H:%M") if hasattr(value, "strftime") else "-"

    for t in rows:
        state = f"revoked {fmt(t.revoked_at)}" if t.revoked_at else "active"
        click.echo(f"{t.id:>5}  {t.prefix}...  {t.name or '-':<20}  created {fmt(t.created_at)}  "
                   f"last used {fmt(t.last_used_at)}  {state}")


def init_app(app: Flask) -> None:
    for command in (create_token_command, revoke_token_command, list_tokens_command):
        app.cli.add_command(command)
