"""Settings from the environment (CONTRACT.md, Configuration)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


class ConfigError(RuntimeError):
    pass


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url(url: str) -> str:
    """Make a relative SQLite path relative to the project, not the working directory."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////") and ":memory:" not in url:
        path = ROOT / url[len(prefix):]
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return url


def from_env(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config. Outside demo and development mode SECRET_KEY is required."""
    env = os.environ.get("COMPLAINTS_ENV", "demo").strip().lower()
    overrides = dict(overrides or {})
    secret = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret:
        if env not in {"demo", "development", "test"}:
            raise ConfigError("SECRET_KEY must be set when COMPLAINTS_ENV is "
                              f"'{env}' (only demo and development generate one).")
        secret = secrets.token_hex(32)
    evidence_dir = Path(os.environ.get("EVIDENCE_DIR", str(INSTANCE / "evidence")))
    if not evidence_dir.is_absolute():
        evidence_dir = ROOT / evidence_dir
    mb = 1024 * 1024
    file_cap = int(os.environ.get("EVIDENCE_MAX_FILE_MB", "50")) * mb
    case_cap = int(os.environ.get("EVIDENCE_MAX_CASE_MB", "200")) * mb
    config: dict[str, Any] = {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "DATABASE_URL": _sqlite_url(os.environ.get("DATABASE_URL", "sqlite:///instance/complaints.db")),
        "EVIDENCE_DIR": str(evidence_dir),
        "EVIDENCE_MAX_FILE": file_cap,
        "EVIDENCE_MAX_CASE": case_cap,
        # One request may carry several files up to the per-complaint cap, plus the form.
        "MAX_CONTENT_LENGTH": case_cap + 2 * mb,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        # Storage down (Redis unreachable): count in this process's memory and log it, rather
        # than answer 500; /healthz reports it. Short timeouts so a dead Redis costs no time.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": ({"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
                                      if os.environ.get("RATELIMIT_STORAGE_URI", "").startswith("redis")
                                      else {}),
        "LOGIN_ATTEMPTS": os.environ.get("LOGIN_RATE_LIMIT", "5 per 15 minutes"),
        "LOGIN_ADDRESS_ATTEMPTS": os.environ.get("LOGIN_ADDRESS_RATE_LIMIT", "100 per 15 minutes"),
        #: A JSON request body larger than this is refused (413) before it is read.
        "API_MAX_JSON_BYTES": int(os.environ.get("API_MAX_JSON_BYTES", str(1024 * 1024))),
        #: Public exports come in parts of this many cases, each pointing to the next.
        "PUBLIC_EXPORT_ROWS": int(os.environ.get("PUBLIC_EXPORT_ROWS", "5000")),
        "PUBLIC_EXPORT_RATE_LIMIT": os.environ.get("PUBLIC_EXPORT_RATE_LIMIT", "30 per minute"),
        #: How many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none).
        "TRUSTED_PROXY_HOPS": int(os.environ.get("TRUSTED_PROXY_HOPS", "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", env == "production"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bishkek",
        "LANGUAGES": ["en", "ru", "ky"],
        "PASSWORD_HASH_CHEAP": False,
        # Transparency (docs/TRUST.md): the Ed25519 key file that signs checkpoints (never in
        # the database), and how often the sweep makes one (rows since the last, or seconds).
        "AUDIT_SIGNING_KEY": os.environ.get("AUDIT_SIGNING_KEY") or str(INSTANCE / "audit-signing-key.pem"),
        "AUDIT_CHECKPOINT_ROWS": int(os.environ.get("AUDIT_CHECKPOINT_ROWS", "1000")),
        # The address the public reaches the app at: QR codes on issued documents lead there.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "AUDIT_CHECKPOINT_SECONDS": int(os.environ.get("AUDIT_CHECKPOINT_SECONDS", "3600")),
        # E-mail notices (`flask notices send`): smtp://[user:password@]host:port, smtps://...,
        # or file://path (the demo: messages appended to a local file).
        "SMTP_URL": os.environ.get("SMTP_URL", "file://instance/mail.txt"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Aryz <aryz@localhost>"),
        "NOTICE_MAX_ATTEMPTS": int(os.environ.get("NOTICE_MAX_ATTEMPTS", "5")),
        # SMS gateways sign their webhook calls with this secret (HMAC-SHA256 of the body).
        "SMS_WEBHOOK_SECRET": os.environ.get("SMS_WEBHOOK_SECRET", ""),
    }
    config.update(_base_url(overrides.get("BASE_URL", os.environ.get("BASE_URL", ""))))
    config["HSTS"] = env == "production"
    config.update(overrides)
    if env == "production":
        _check_production(config, rate_limit_set="RATELIMIT_STORAGE_URI" in os.environ or
                          "RATELIMIT_STORAGE_URI" in overrides)
    return config


#: A session-signing key shorter than this is refused in production (32 hex digits = 128 bits).
MIN_SECRET_LENGTH = 32


def _base_url(raw: str) -> dict[str, Any]:
    """`BASE_URL` (https://complaints.example.org) makes every absolute link, so none is
    built from the request's Host header."""
    from urllib.parse import urlsplit

    raw = raw.strip()
    if not raw:
        return {"BASE_URL": None}
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ConfigError(f"BASE_URL must look like https://host[/path], not {raw!r}")
    return {"BASE_URL": raw.rstrip("/"), "SERVER_NAME": parts.netloc, "PREFERRED_URL_SCHEME": parts.scheme,
            "APPLICATION_ROOT": parts.path.rstrip("/") or "/"}


def _check_production(config: dict[str, Any], rate_limit_set: bool) -> None:
    """Refuse settings that are fine on a laptop and unsafe on the commission's server."""
    if len(str(config["SECRET_KEY"])) < MIN_SECRET_LENGTH:
        raise ConfigError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production "
                          "(python3 -c 'import secrets; print(secrets.token_hex(32))').")
    if not config.get("BASE_URL"):
        raise ConfigError("BASE_URL must be set in production (https://your.host): absolute links "
                          "are built from it, never from the request's Host header.")
    if str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://") and config.get("RATELIMIT_ENABLED", True):
        workers = int(os.environ.get("WEB_CONCURRENCY", "1") or "1")
        if not rate_limit_set or workers > 1:
            raise ConfigError("RATELIMIT_STORAGE_URI must be shared storage (redis://...) in production: each "
                              "worker keeps its own memory:// counts, multiplying every limit. A single-worker "
                              "server may set RATELIMIT_STORAGE_URI=memory:// explicitly.")
