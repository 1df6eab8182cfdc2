"""Who may see which collections: UI users (hashed passwords) and API tokens.

`POLICY_QA_USERS="alice:<hash>:public+internal,bob:<hash>:public"` or `POLICY_QA_USERS_FILE`
(one `name:<hash>:collections` a line) grants UI logins; `policy-qa hash-password` makes the
hash (scrypt with a random salt: no plaintext password is ever stored or compared).
`POLICY_QA_API_TOKENS="name:token:public+internal,..."` maps tokens to collections; a bare
`token` (the older format) or `name:token` reads `public`. What a caller may see is a
`vectorstore.scope.Scope`; anonymous callers get `public` only.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from vectorstore.scope import PUBLIC_SCOPE, Scope, parse_scope
from vectorstore.settings import Env

USERS_ENV = "POLICY_QA_USERS"
USERS_FILE_ENV = "POLICY_QA_USERS_FILE"
TOKENS_ENV = "POLICY_QA_API_TOKENS"
LINK_SECRET_ENV = "POLICY_QA_LINK_SECRET"
_MIN_SECRET_CHARS = 16
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_HASH_PREFIX = "scrypt"


def hash_password(password: str, salt: bytes | None = None) -> str:
    """`scrypt$<salt hex>$<key hex>`: what a users entry stores instead of the password."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"{_HASH_PREFIX}${salt.hex()}${key.hex()}"


def verify_password(password: str, hashed: str) -> bool:
    """Constant-time check of a password against its stored hash; False for a malformed one."""
    prefix, _, rest = hashed.partition("$")
    salt_hex, _, key_hex = rest.partition("$")
    try:
        salt, key = bytes.fromhex(salt_hex), bytes.fromhex(key_hex)
    except ValueError:
        return False
    if prefix != _HASH_PREFIX or not salt or not key:
        return False
    given = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return hmac.compare_digest(given, key)


@dataclass(frozen=True)
class User:
    name: str
    password_hash: str = field(repr=False)
    scope: Scope


@dataclass(frozen=True)
class ApiToken:
    name: str
    token: str = field(repr=False)
    scope: Scope


def parse_users(raw: str, source: str = USERS_ENV) -> dict[str, User]:
    """`name:hash:collections` entries separated by commas or new lines; # starts a comment."""
    users: dict[str, User] = {}
    for line in raw.replace(",", "\n").splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        parts = entry.split(":")
        if len(parts) != 3 or not parts[0] or not parts[1].startswith(f"{_HASH_PREFIX}$"):
            raise ConfigError(
                f"{source} 的条目格式应为 用户名:密码哈希:集合（用 policy-qa hash-password 生成哈希）",
                f"{source} entries must be name:password-hash:collections "
                "(make the hash with `policy-qa hash-password`)",
            )
        users[parts[0]] = User(parts[0], parts[1], parse_scope(parts[2]))
    return users


def parse_tokens(raw: str) -> tuple[ApiToken, ...]:
    """`name:token:collections`, `name:token` (public) or a bare `token` (public), comma-separated."""
    tokens = []
    for number, entry in enumerate((part.strip() for part in raw.split(",")), start=1):
        if not entry:
            continue
        parts = entry.split(":")
        if len(parts) == 1:
            tokens.append(ApiToken(f"token{number}", parts[0], PUBLIC_SCOPE))
        elif len(parts) in (2, 3) and all(parts[:2]):
            scope = parse_scope(parts[2]) if len(parts) == 3 else PUBLIC_SCOPE
            tokens.append(ApiToken(parts[0], parts[1], scope))
        else:
            raise ConfigError(
                f"{TOKENS_ENV} 的条目格式应为 名称:令牌:集合（如 hr:abc123:public+internal）",
                f"{TOKENS_ENV} entries must be name:token:collections "
                "(e.g. hr:abc123:public+internal)",
            )
    return tuple(tokens)


@dataclass(frozen=True)
class AccessSettings:
    """UI users and API tokens with their collections; secrets are masked in repr."""

    users: dict[str, User] = field(default_factory=dict)
    tokens: tuple[ApiToken, ...] = ()
    # Signs logged-in users' file links; shared by replicas when set, else one per process.
    link_secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    shared_link_secret: bool = False

    @classmethod
    def from_env(cls, env: Env) -> AccessSettings:
        users = parse_users(env.get(USERS_ENV, ""))
        users_file = env.get(USERS_FILE_ENV, "").strip()
        if users_file:
            path = Path(users_file)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise ConfigError(
                    f"无法读取用户文件 {path}：{error}", f"cannot read users file {path}: {error}"
                ) from None
            users |= parse_users(text, str(path))
        secret = env.get(LINK_SECRET_ENV, "")
        if secret and len(secret) < _MIN_SECRET_CHARS:
            raise ConfigError(
                f"{LINK_SECRET_ENV} 至少需要 {_MIN_SECRET_CHARS} 个字符",
                f"{LINK_SECRET_ENV} must have at least {_MIN_SECRET_CHARS} characters",
            )
        tokens = parse_tokens(env.get(TOKENS_ENV, ""))
        if not secret:
            return cls(users, tokens)
        return cls(users, tokens, secret.encode("utf-8"), shared_link_secret=True)

    def login(self, name: str, password: str) -> User | None:
        """The user when name and password match; the hash is computed even for unknown names
        so that a wrong name takes as long as a wrong password."""
        user = self.users.get(name.strip())
        matched = verify_password(password, user.password_hash if user else _dummy_hash())
        return user if user is not None and matched else None

    def redacted(self) -> dict[str, Any]:
        return {
            "users": {name: user.scope.label() for name, user in sorted(self.users.items())},
            "api_tokens": {token.name: token.scope.label() for token in self.tokens},
            "link_secret": "set" if self.shared_link_secret else "per process",
        }


@cache
def _dummy_hash() -> str:
    return hash_password("", salt=b"\x00" * 16)
