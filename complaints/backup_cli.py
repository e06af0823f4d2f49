"""`flask backup DIR` and `flask restore DIR` (docs/TRUST.md, README)."""
from __future__ import annotations

import sys

import click
from flask import current_app

from complaints.db import db


@click.command("backup")
@click.argument("directory")
def backup_command(directory: str) -> None:
    """Back up the database, the evidence files and a manifest of their hashes into DIRECTORY."""
    from complaints.services import backup

    assert db.engine is not None
    try:
        manifest = backup.backup(db.session(), db.engine.url.render_as_string(hide_password=False),
                                 current_app.config["EVIDENCE_DIR"], directory)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    cp = manifest["checkpoint"]
    click.echo(f"Backed up the {manifest['database']['kind']} database ({manifest['history_rows_at_start']} history "
               f"rows) and {len(manifest['evidence'])} file(s) to {directory}.")
    click.echo(f"Last checkpoint: {cp['tree_size']} rows, root {cp['root']}." if cp else
               "No checkpoint was signed yet: `flask audit checkpoint` before a backup lets restore verify more.")


@click.command("restore")
@click.argument("directory")
@click.option("--public-key", "public_keys", multiple=True, help="The checkpoint key (hex) you trust.")
def restore_command(directory: str, public_keys: tuple[str, ...]) -> None:
    """Restore DIRECTORY into the (empty) database and evidence directory, then verify the
    history against the last checkpoint, every case and every file; exit 0 only then."""
    from complaints.services import backup, evidence_audit, replay, transparency
    from complaints.services.history import verify

    assert db.engine is not None
    url = db.engine.url.render_as_string(hide_password=False)
    try:
        manifest = backup.restore(db.engine, url, current_app.config["EVIDENCE_DIR"], directory)
    except backup.BackupError as exc:
        raise click.ClickException(f"Nothing restored: {exc}") from None
    click.echo(f"Restored {directory}; verifying.")
    db.session.remove()
    session = db.session()
    problems: list[str] = []
    chain = verify(session)
    if not chain.ok:
        problems.append(f"history: {chain.reason}")
    restored_latest = transparency.latest(session)
    checkpoints = [c for c in (manifest.get("checkpoint"),
                               transparency.checkpoint_json(restored_latest) if restored_latest else None) if c]
    if len(checkpoints) == 2 and checkpoints[0] == checkpoints[1]:
        checkpoints = checkpoints[:1]
    if checkpoints:
        for finding in transparency.verify_checkpoints(session, checkpoints, public_keys or None):
            if finding.ok:
                click.echo(f"Checkpoints: {finding.message}.")
            else:
                problems.append(f"checkpoint: {finding.message}")
    else:
        click.echo("No signed checkpoint in the backup: the chain and the cases are verified, not against a signature.")
    problems += [f"case: {line}" for line in replay.check_cases(session)]
    problems += [f"evidence: {line}" for line in evidence_audit.verify_all(session, current_app.config["EVIDENCE_DIR"])]
    for line in problems:
        click.echo(f"BROKEN {line}", err=True)
    if problems:
        click.echo("RESTORE NOT VERIFIED: do not use this copy.", err=True)
        sys.exit(1)
    click.echo(f"Restore verified: {chain.rows} history rows, every case and {len(manifest['evidence'])} file(s) intact.")
