"""The audit signing key (Ed25519, kept outside the database) and the signed checkpoint
message: what a checkpoint signs and how a signature is checked (docs/TRUST.md)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

CHECKPOINT_FORMAT = "aryz-checkpoint v1\ntree_size {size}\nroot {root}\ntime {time}\n"


class AuditError(Exception):
    """The history does not match what was signed, or a key is missing."""


def generate_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """Write a new private key (PKCS#8 PEM, mode 0600); refuses to overwrite one."""
    target = Path(path)
    if target.exists():
        raise AuditError(f"{target} exists: a signing key is never overwritten")
    key = Ed25519PrivateKey.generate()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()))
    return key.public_key()


def load_key(path: str | os.PathLike[str] | None) -> Ed25519PrivateKey:
    if not path or not Path(path).is_file():
        raise AuditError(f"no signing key at {path}: run `flask audit keygen` (AUDIT_SIGNING_KEY names the file)")
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditError(f"{path} is not an Ed25519 private key")
    return key


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def key_id(public: str) -> str:
    return hashlib.sha256(bytes.fromhex(public)).hexdigest()


def checkpoint_message(size: int, root: str, signed_at: dt.datetime | str) -> bytes:
    when = signed_at if isinstance(signed_at, str) else signed_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return CHECKPOINT_FORMAT.format(size=size, root=root, time=when).encode()


def signature_ok(public: str, size: int, root: str, signed_at: str, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public)).verify(
            base64.b64decode(signature, validate=True), checkpoint_message(size, root, signed_at))
        return True
    except (InvalidSignature, ValueError):
        return False
