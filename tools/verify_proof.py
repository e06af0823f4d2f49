#!/usr/bin/env python3
"""Check Aryz's proofs yourself: standard library plus `cryptography` (Ed25519), no app code.

  verify_proof.py proof PROOF.json --public-key HEX [--checkpoints CHECKPOINTS.json]
      every entry of a case's proof (/public/cases/<number>/proof.json or `flask audit prove`)
      is in the checkpoint it names, and that checkpoint is signed by the key; with a saved
      copy of the checkpoints, the proof's checkpoint must be one of them.
  verify_proof.py checkpoints CHECKPOINTS.json --public-key HEX
      every checkpoint (/api/v1/audit/checkpoints) is signed by the key, and each one's
      consistency proof shows it extends the one before (the log was only appended to).

Exit status 0 when everything verifies, 1 otherwise. Hashing: RFC 9162 (SHA-256),
leaf = SHA-256(0x00 || leaf), node = SHA-256(0x01 || left || right)."""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

STATEMENT = "aryz-checkpoint v1\ntree_size {size}\nroot {root}\ntime {time}\n"


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    """RFC 9162, 2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old: int, new: int, old_root: bytes, new_root: bytes, path: list[bytes]) -> bool:
    """RFC 9162, 2.1.4.2."""
    if old == new:
        return not path and old_root == new_root
    if not 0 < old < new or not path:
        return False
    proof = list(path)
    if old & (old - 1) == 0:
        proof.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def signed(cp: dict[str, Any], public_key: str) -> bool:
    if cp.get("public_key") != public_key:
        return False
    message = STATEMENT.format(size=cp["tree_size"], root=cp["root"], time=cp["signed_at"]).encode()
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(
            base64.b64decode(cp["signature"], validate=True), message)
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def check_proof(proof: dict[str, Any], public_key: str, saved: list[dict[str, Any]] | None) -> list[str]:
    problems: list[str] = []
    cp = proof.get("checkpoint")
    if not cp:
        return ["the proof names no checkpoint (none was signed yet)"]
    if not signed(cp, public_key):
        problems.append(f"checkpoint of size {cp.get('tree_size')}: not signed by {public_key}")
    if saved is not None and not any(c.get("tree_size") == cp["tree_size"] and c.get("root") == cp["root"]
                                     for c in saved):
        problems.append(f"checkpoint of size {cp['tree_size']} with root {cp['root']} is not in your saved copy")
    size, root = int(cp["tree_size"]), bytes.fromhex(cp["root"])
    number = proof.get("registration_number")
    numbered = False
    for e in proof.get("entries", []):
        leaf = e["leaf"].encode()
        try:
            content = json.loads(leaf)
            path = [bytes.fromhex(p) for p in e["audit_path"]]
        except (ValueError, TypeError):
            problems.append(f"row seq {e.get('seq')}: unreadable entry")
            continue
        if content.get("seq") != e.get("seq") or e.get("leaf_index") != content.get("seq", 0) - 1:
            problems.append(f"row seq {e.get('seq')}: the leaf is for another row")
        if content.get("case") != proof.get("case"):
            problems.append(f"row seq {e.get('seq')}: the leaf belongs to another case")
        if content.get("number") is not None:
            numbered = True
            if content["number"] != number:
                problems.append(f"row seq {e.get('seq')}: registration number {content['number']}, not {number}")
        if not verify_inclusion(int(e["leaf_index"]), size, leaf_hash(leaf), path, root):
            problems.append(f"row seq {e.get('seq')}: NOT included in the checkpoint of size {size}")
    if proof.get("entries") and not numbered:
        problems.append("no entry ties the case to its registration number (the submission row is missing)")
    return problems


def check_checkpoints(saved: list[dict[str, Any]], public_key: str) -> list[str]:
    problems: list[str] = []
    previous: dict[str, Any] | None = None
    for cp in sorted(saved, key=lambda c: int(c["tree_size"])):
        if not signed(cp, public_key):
            problems.append(f"checkpoint of size {cp['tree_size']}: not signed by {public_key}")
            continue
        if previous is not None:
            if cp.get("previous_size") != previous["tree_size"]:
                problems.append(f"checkpoint of size {cp['tree_size']}: its proof starts at size "
                                f"{cp.get('previous_size')}, not at the previous checkpoint {previous['tree_size']}")
            elif not verify_consistency(int(previous["tree_size"]), int(cp["tree_size"]),
                                        bytes.fromhex(previous["root"]), bytes.fromhex(cp["root"]),
                                        [bytes.fromhex(p) for p in cp.get("consistency") or []]):
                problems.append(f"checkpoint of size {cp['tree_size']} does NOT extend the checkpoint of size "
                                f"{previous['tree_size']}: the history was rewritten in between")
        previous = cp
    return problems


def _checkpoints(path: str) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    pages = data if isinstance(data, list) else [data]
    return [c for page in pages for c in page.get("checkpoints", [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("proof", help="check a case's inclusion proof")
    p.add_argument("proof")
    p.add_argument("--public-key", required=True)
    p.add_argument("--checkpoints")
    c = sub.add_parser("checkpoints", help="check signatures and consistency of saved checkpoints")
    c.add_argument("checkpoints")
    c.add_argument("--public-key", required=True)
    args = parser.parse_args(argv)
    if args.what == "proof":
        with open(args.proof, encoding="utf-8") as f:
            proof = json.load(f)
        saved = _checkpoints(args.checkpoints) if args.checkpoints else None
        problems = check_proof(proof, args.public_key, saved)
        done = f"{len(proof.get('entries', []))} row(s) of {proof.get('registration_number')} are in the " \
               f"checkpoint of size {(proof.get('checkpoint') or {}).get('tree_size')}"
        if not problems:
            for e in proof.get("entries", []):
                leaf = json.loads(e["leaf"])
                note = f", document SHA-256 {leaf['document']}" if leaf.get("document") else ""
                print(f"row seq {leaf['seq']}: {leaf['at']} {leaf['action']} ({leaf['from']} -> {leaf['to']}){note}")
    else:
        saved = _checkpoints(args.checkpoints)
        problems = check_checkpoints(saved, args.public_key)
        done = f"{len(saved)} checkpoint(s) signed and each extends the one before"
    for line in problems:
        print(f"FAILED: {line}")
    if problems:
        return 1
    print(f"OK: {done}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
