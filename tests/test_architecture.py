"""The layers of docs/ARCHITECTURE.md, enforced: a module imports only from its own
layer or the layers below it, and the domain never imports Flask."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "complaints"

#: Bottom to top; a module belongs to the first layer whose prefix names it (longest first).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("complaints.enums", "complaints.names", "complaints.labels", "complaints.i18n",
                    "complaints.config", "complaints.db", "complaints.security")),
    ("lifecycle", ("complaints.lifecycle",)),
    ("models", ("complaints.models",)),
    ("rules", ("complaints.inputs", "complaints.access")),
    ("services", ("complaints.services",)),
    ("tools", ("complaints.demo", "complaints.seed", "complaints.seed_live", "complaints.forms",
               "complaints.audit_cli", "complaints.backup_cli", "complaints.stats_cli", "complaints.notices_cli",
               "complaints.tokens_cli", "complaints.search_cli")),
    ("web", ("complaints.web",)),
    ("api", ("complaints.api",)),
    ("app", ("complaints.cli", "complaints")),
]
RANK = {name: i for i, (name, _) in enumerate(LAYERS)}
#: Imports across the rule, each with its reason.
EXCEPTIONS = {
    # The API answers HTML-less errors with the same codes and messages as the pages.
    ("complaints.api.common", "complaints.web.errors"),
}
#: Domain modules that still read Flask, each with its reason (to be passed in instead).
FLASK_EXCEPTIONS = {
    # The notice outbox reads MAIL_FROM and BASE_URL from the app's config when there is an app.
    "complaints.services.notices",
}
#: The domain runs without a web request: no Flask (flask_babel's gettext is allowed:
#: outside a request it answers in English).
NO_FLASK = ("lifecycle", "models", "rules", "services")


def layer_of(module: str) -> str:
    best = ("", "")
    for name, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best[1]):
                best = (name, prefix)
    assert best[0], f"{module} is in no layer of docs/ARCHITECTURE.md"
    return best[0]


def modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _own(target: str, known: dict[str, Path]) -> str | None:
    """The project module an import names (a name imported from a module is that module)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


MODULES = modules()


def violations(module: str, path: Path) -> list[str]:
    """The imports of `module` (at `path`) against the layers, one line each."""
    here = layer_of(module)
    wrong = []
    for target in imports(path):
        if target == "flask" or target.startswith("flask."):
            if here in NO_FLASK and module not in FLASK_EXCEPTIONS:
                wrong.append(f"{target} (the {here} layer runs without Flask)")
            continue
        own = _own(target, MODULES) if target.startswith("complaints") else None
        if own is None or own == "complaints" or (module, own) in EXCEPTIONS:
            continue
        there = layer_of(own)
        if RANK[there] > RANK[here]:
            wrong.append(f"{own} ({there} is above {here})")
    return sorted(set(wrong))


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_downwards(module):
    wrong = violations(module, MODULES[module])
    assert not wrong, f"{module} imports against docs/ARCHITECTURE.md: {wrong}"


def test_the_document_names_every_layer():
    text = (ROOT.parent / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for name, prefixes in LAYERS:
        assert f"**{name}**" in text, name
        for prefix in prefixes:
            assert f"`{prefix.removeprefix('complaints.') if prefix != 'complaints' else 'complaints'}" in text, prefix


def test_an_upward_import_is_caught(tmp_path):
    """The check can fail: a service importing a page module, or Flask, is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("from complaints.web.cases import load_case\n\n\ndef f():\n    import flask\n",
                   encoding="utf-8")
    assert violations("complaints.services.bad", bad) == [
        "complaints.web.cases (web is above services)", "flask (the services layer runs without Flask)"]
    assert violations("complaints.api.bad", bad) == []
