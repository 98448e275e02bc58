"""Signing a run's manifest (the audit evidence archive) and checking the signature.

What is signed: the exact bytes of `manifest.json`, which lists the SHA-256 and size of every
other file of the run, so one signature covers the whole run.

Two algorithms, chosen by `[archive] signing_algorithm`:

* `ed25519` (default): `[archive] signing_key_file` is a PEM private key (PKCS#8 or OpenSSH;
  a password, if any, comes from `ECR_REPORT_SIGNING_KEY_PASSWORD`). The run gets
  `manifest.sig` and the public key `manifest.pub` (PEM) beside the manifest. Anyone can check
  the signature; an auditor who holds the public key separately (`verify --public-key FILE`)
  also knows *who* signed, which the key inside the run alone cannot prove.
* `hmac-sha256`: a shared secret, from the file `signing_key_file` or else the environment
  variable `ECR_REPORT_HMAC_KEY`. Simple, but whoever can check can also forge; `verify`
  needs the same secret (`--hmac-key-file FILE` or `ECR_REPORT_HMAC_KEY`).

`manifest.sig` is a small JSON document: `{"algorithm", "signed_file", "signature"}` (+
`public_key_sha256` for Ed25519). Neither it nor `manifest.pub` is listed in the manifest
(they are written after it). No key material is ever logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import ArchiveConfig

SIGNATURE = "manifest.sig"
PUBLIC_KEY = "manifest.pub"
SIGNED_FILE = "manifest.json"
HMAC_KEY_ENV = "ECR_REPORT_HMAC_KEY"
KEY_PASSWORD_ENV = "ECR_REPORT_SIGNING_KEY_PASSWORD"
ED25519, HMAC_SHA256 = "ed25519", "hmac-sha256"


@dataclass(frozen=True)
class Signer:
    algorithm: str
    _key: object  # Ed25519PrivateKey or bytes; never printed

    def __repr__(self) -> str:  # keep secrets out of logs and tracebacks
        return f"Signer({self.algorithm})"

    def sign(self, data: bytes) -> dict[str, str]:
        if self.algorithm == ED25519:
            assert isinstance(self._key, Ed25519PrivateKey)
            return {"algorithm": ED25519, "signed_file": SIGNED_FILE,
                    "signature": base64.b64encode(self._key.sign(data)).decode("ascii"),
                    "public_key_sha256": public_key_fingerprint(self._key.public_key())}
        assert isinstance(self._key, bytes)
        return {"algorithm": HMAC_SHA256, "signed_file": SIGNED_FILE,
                "signature": hmac.new(self._key, data, hashlib.sha256).hexdigest()}

    def public_key_pem(self) -> bytes | None:
        if self.algorithm != ED25519:
            return None
        assert isinstance(self._key, Ed25519PrivateKey)
        return self._key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_fingerprint(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_signer(archive: "ArchiveConfig", env: dict[str, str] | None = None) -> Signer | None:
    """The configured signer, or None when signing is not configured. Bad keys: ConfigError."""
    env = dict(os.environ) if env is None else env
    if archive.signing_algorithm == HMAC_SHA256:
        if archive.signing_key_file:
            secret = _read_key_file(archive.signing_key_file).strip()
        elif env.get(HMAC_KEY_ENV):
            secret = env[HMAC_KEY_ENV].encode("utf-8")
        else:
            return None
        if len(secret) < 16:
            raise ConfigError("the HMAC signing key is too short (use at least 16 bytes, e.g. 32 random bytes)")
        return Signer(HMAC_SHA256, secret)
    if not archive.signing_key_file:
        return None
    data = _read_key_file(archive.signing_key_file)
    password = env.get(KEY_PASSWORD_ENV)
    try:
        if data.lstrip().startswith(b"-----BEGIN OPENSSH PRIVATE KEY"):
            key = serialization.load_ssh_private_key(data, password.encode() if password else None)
        else:
            key = serialization.load_pem_private_key(data, password.encode() if password else None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ConfigError(f"signing key {archive.signing_key_file}: not a usable PEM private key ({reason})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"signing key {archive.signing_key_file}: not an Ed25519 key "
                          "(or set [archive] signing_algorithm = \"hmac-sha256\")")
    return Signer(ED25519, key)


def _read_key_file(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise ConfigError(f"signing key file {name}: {exc.strerror or exc}") from None


def sign_run(run_dir: Path, signer: Signer | None) -> dict[str, str] | None:
    """Write manifest.sig (and manifest.pub for Ed25519) for the run's current manifest."""
    for name in (SIGNATURE, PUBLIC_KEY):
        (run_dir / name).unlink(missing_ok=True)
    if signer is None:
        return None
    signature = signer.sign((run_dir / SIGNED_FILE).read_bytes())
    pem = signer.public_key_pem()
    if pem is not None:
        (run_dir / PUBLIC_KEY).write_bytes(pem)
    (run_dir / SIGNATURE).write_text(json.dumps(signature, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return signature


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A trusted Ed25519 public key (PEM, or an OpenSSH `ssh-ed25519 ...` line)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"public key {path}: {exc.strerror or exc}") from None
    try:
        key = (serialization.load_ssh_public_key(data) if data.lstrip().startswith(b"ssh-")
               else serialization.load_pem_public_key(data))
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ConfigError(f"public key {path}: not a PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigError(f"public key {path}: not an Ed25519 key")
    return key


def check_signature(run_dir: Path, *, trusted_key: Ed25519PublicKey | None = None,
                    hmac_key: bytes | None = None) -> tuple[list[str], str]:
    """(problems, description) for the run's signature.

    A trusted key (`trusted_key` or `hmac_key`) makes a signature required: an unsigned run
    then fails, since anyone can re-write an unsigned manifest.
    """
    sig_path = run_dir / SIGNATURE
    required = trusted_key is not None or hmac_key is not None
    if not sig_path.is_file():
        if required:
            return [f"{SIGNATURE}: missing (the run is not signed, but a key to check it was given)"], "unsigned"
        if (run_dir / PUBLIC_KEY).is_file():
            return [f"{SIGNATURE}: missing ({PUBLIC_KEY} is present, so the run was signed)"], "unsigned"
        return [], "not signed"
    try:
        doc = json.loads(sig_path.read_text(encoding="utf-8"))
        algorithm, signature = doc["algorithm"], doc["signature"]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{SIGNATURE}: unreadable ({exc})"], "unreadable"
    manifest = run_dir / SIGNED_FILE
    if not manifest.is_file():
        return [], algorithm  # the missing manifest is reported by the caller
    data = manifest.read_bytes()
    if algorithm == ED25519:
        return _check_ed25519(run_dir, data, signature, trusted_key)
    if algorithm == HMAC_SHA256:
        return _check_hmac(data, signature, hmac_key)
    return [f"{SIGNATURE}: unknown algorithm {algorithm!r}"], str(algorithm)



def _check_ed25519(run_dir: Path, data: bytes, signature: Any,
                   trusted_key: Ed25519PublicKey | None) -> tuple[list[str], str]:
    """An Ed25519 signature of `data`, checked with the trusted key, else the run's own public key."""
    key, source = trusted_key, "the trusted public key"
    if key is None:
        pub = run_dir / PUBLIC_KEY
        if not pub.is_file():
            return [f"{PUBLIC_KEY}: missing (cannot check the Ed25519 signature; pass --public-key)"], ED25519
        try:
            key = load_public_key(pub)
        except ConfigError as exc:
            return [f"{PUBLIC_KEY}: {exc}"], ED25519
        source = f"the run's {PUBLIC_KEY}"
    fingerprint = public_key_fingerprint(key)
    try:
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return [f"{SIGNATURE}: bad signature (Ed25519, checked with {source}, "
                f"sha256:{fingerprint[:16]}): {SIGNED_FILE} was changed or signed with another key"], ED25519
    return [], f"signature valid (Ed25519, key sha256:{fingerprint[:16]}, {source})"


def _check_hmac(data: bytes, signature: Any, hmac_key: bytes | None) -> tuple[list[str], str]:
    """An HMAC-SHA256 signature of `data`; not checkable without the shared key."""
    if hmac_key is None:
        return [f"{SIGNATURE}: HMAC-SHA256 signature not checked: no key "
                f"(pass --hmac-key-file FILE or set {HMAC_KEY_ENV})"], HMAC_SHA256
    expected = hmac.new(hmac_key, data, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(signature)):
        return [f"{SIGNATURE}: bad signature (HMAC-SHA256): {SIGNED_FILE} was changed "
                "or signed with another key"], HMAC_SHA256
    return [], "signature valid (HMAC-SHA256)"

def read_hmac_key(path: Path | None, env: dict[str, str] | None = None) -> bytes | None:
    """The HMAC key for `verify`: from a file, else ECR_REPORT_HMAC_KEY, else None."""
    env = dict(os.environ) if env is None else env
    if path is not None:
        try:
            return path.read_bytes().strip()
        except OSError as exc:
            raise ConfigError(f"HMAC key file {path}: {exc.strerror or exc}") from None
    value = env.get(HMAC_KEY_ENV)
    return value.encode("utf-8") if value else None
