"""The integrity commands (`flask audit ...`; docs/TRUST.md): verify, keygen, checkpoint, prove."""
from __future__ import annotations

import json
import sys

import click
from flask import current_app
from sqlalchemy import select

from complaints.db import db


@click.group("audit")
def audit_group() -> None:
    """Check the integrity of the case history and the evidence store; sign and prove it."""


@audit_group.command("verify")
@click.option("--evidence", is_flag=True, help="Also recompute every stored evidence file's SHA-256.")
@click.option("--quarantine", is_flag=True, help="With --evidence: move files no row references aside.")
@click.option("--checkpoints", "checkpoints_file", type=click.Path(exists=True, dir_okay=False),
              help="A saved copy of /api/v1/audit/checkpoints: detect a cut tail or a rewritten chain.")
@click.option("--public-key", "public_keys", multiple=True,
              help="The public key (hex) you trust; without it the file's own keys are used.")
def audit_verify_command(evidence: bool, quarantine: bool, checkpoints_file: str | None,
                         public_keys: tuple[str, ...]) -> None:
    """Recompute the history chain, replay every case against it (and check saved
    checkpoints, evidence files); exit 0 only when everything is intact."""
    from complaints.services import replay, transparency
    from complaints.services.history import verify

    session = db.session()
    failed = False
    result = verify(session)
    if not result.ok:
        click.echo(f"BROKEN: {result.reason} (first bad row: seq {result.first_bad_seq}, id {result.first_bad_id})",
                   err=True)
        failed = True
    else:
        click.echo(f"History chain intact: {result.rows} rows.")
    if checkpoints_file:
        saved = transparency.load_checkpoints(checkpoints_file)
        for finding in transparency.verify_checkpoints(session, saved, public_keys or None):
            if finding.ok:
                click.echo(f"Checkpoints: {finding.message}.")
            else:
                click.echo(f"BROKEN checkpoint: {finding.message}", err=True)
                failed = True
    mismatches = 0
    for line in replay.check_cases(session):
        click.echo(f"BROKEN case: {line}", err=True)
        mismatches += 1
    if mismatches:
        failed = True
    else:
        click.echo("Every case agrees with its history.")
    if evidence:
        from complaints.services import evidence_audit, evidence_store

        root = current_app.config["EVIDENCE_DIR"]
        bad = evidence_audit.verify_all(session, root)
        for line in bad:
            click.echo(f"BROKEN evidence: {line}", err=True)
        failed = failed or bool(bad)
        if not bad:
            click.echo("Evidence files intact.")
        orphans = evidence_audit.unreferenced(session, root)
        for path in orphans:
            click.echo(f"Unreferenced file in the evidence store: {path}")
        if orphans and quarantine:
            moved = evidence_audit.quarantine(root, orphans)
            click.echo(f"Moved {len(moved)} unreferenced file(s) to {evidence_store.QUARANTINE}/.")
    sys.exit(1 if failed else 0)


@audit_group.command("keygen")
@click.argument("path", required=False)
@click.option("--if-missing", is_flag=True, help="Do nothing when the key file exists (for `make run`).")
def audit_keygen_command(path: str | None, if_missing: bool) -> None:
    """Write a new Ed25519 signing key (default: AUDIT_SIGNING_KEY) and print its public key."""
    from pathlib import Path

    from complaints.services import transparency

    target = path or current_app.config["AUDIT_SIGNING_KEY"]
    if if_missing and Path(target).exists():
        return
    try:
        public = transparency.generate_key(target)
    except transparency.AuditError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Wrote the signing key to {target} (keep it off the database server's backups).")
    click.echo(f"Public key: {transparency.public_hex(public)}")


@audit_group.command("checkpoint")
@click.option("--if-due", is_flag=True, help="Only when AUDIT_CHECKPOINT_ROWS rows or AUDIT_CHECKPOINT_SECONDS passed.")
def audit_checkpoint_command(if_due: bool) -> None:
    """Sign a checkpoint over every history row so far."""
    from complaints.services import transparency

    session = db.session()
    cfg = current_app.config
    if if_due and not transparency.checkpoint_due(session, cfg["AUDIT_CHECKPOINT_ROWS"],
                                                  cfg["AUDIT_CHECKPOINT_SECONDS"]):
        click.echo("No checkpoint due.")
        return
    try:
        cp = transparency.make_checkpoint(session, transparency.load_key(cfg["AUDIT_SIGNING_KEY"]))
    except transparency.AuditError as exc:
        session.rollback()
        raise click.ClickException(str(exc)) from None
    session.commit()
    if cp is None:
        click.echo("No new history rows since the last checkpoint.")
    else:
        click.echo(f"Checkpoint: {cp.tree_size} rows, root {cp.root}, signed {cp.signed_at:%Y-%m-%d %H:%M:%S} UTC.")


@audit_group.command("prove")
@click.argument("registration_number")
def audit_prove_command(registration_number: str) -> None:
    """Print the inclusion proof of a case's public history rows (JSON; tools/verify_proof.py checks it)."""
    from complaints.lifecycle import State
    from complaints.models import Complaint
    from complaints.services import transparency

    session = db.session()
    case = session.scalar(select(Complaint).where(Complaint.registration_number == registration_number.strip().upper(),
                                                  Complaint.status != State.DRAFT))
    if case is None:
        raise click.ClickException(f"No case {registration_number}.")
    click.echo(json.dumps(transparency.case_proof(session, case), indent=1))


def checkpoint_if_due() -> str | None:
    """For the deadline sweep: sign a checkpoint when one is due; a line to print, or None."""
    from complaints.services import transparency

    session = db.session()
    cfg = current_app.config
    if not transparency.checkpoint_due(session, cfg["AUDIT_CHECKPOINT_ROWS"], cfg["AUDIT_CHECKPOINT_SECONDS"]):
        return None
    try:
        key = transparency.load_key(cfg["AUDIT_SIGNING_KEY"])
        cp = transparency.make_checkpoint(session, key)
    except transparency.AuditError as exc:
        session.rollback()
        return f"No checkpoint signed: {exc}"
    session.commit()
    return f"Signed a checkpoint over {cp.tree_size} history rows." if cp else None
