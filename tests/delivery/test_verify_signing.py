"""The audit evidence archive: manifest metadata, Ed25519 / HMAC signatures, `verify`."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.config import ArchiveConfig, ConfigError
from ecr_report.jobs.rundir import RunPaths, write_json, write_manifest
from ecr_report.jobs.signing import load_signer, sign_run

from delivery_peers import write_ed25519_key

HMAC_SECRET = "0123456789abcdef-not-a-real-secret"


def test_a_real_run_is_signed_and_its_manifest_says_who_what_where(finished_run, capsys):
    manifest = json.loads((finished_run / "manifest.json").read_text())
    for key in ("tool_version", "config_digest", "as_of", "accounts", "regions", "collection_errors",
                "caller_identities", "run_id"):
        assert key in manifest, key
    assert manifest["accounts"] == ["111122223333", "444455556666"]
    assert {c["caller_arn"] for c in manifest["caller_identities"]} and \
        all(c["caller_arn"].startswith("arn:aws:") for c in manifest["caller_identities"])
    for unlisted in ("manifest.json", "manifest.sig", "manifest.pub"):
        assert unlisted not in manifest["files"]
    assert (finished_run / "manifest.sig").is_file() and (finished_run / "manifest.pub").is_file()
    assert main(["verify", str(finished_run)]) == 0
    assert "intact (signature valid (Ed25519" in capsys.readouterr().out


def _tamper_byte(run: Path) -> None:
    path = run / "report.pdf"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _edit_summary(run: Path) -> None:
    doc = json.loads((run / "summary.json").read_text())
    doc["coverage"]["repositories_scanned"] += 1
    (run / "summary.json").write_text(json.dumps(doc))


def _forge_manifest(run: Path) -> None:
    """An attacker edits summary.json and re-writes the manifest to match: only the signature can tell."""
    _edit_summary(run)
    manifest = json.loads((run / "manifest.json").read_text())
    from ecr_report.jobs.rundir import sha256_file

    manifest["files"]["summary.json"]["sha256"] = sha256_file(run / "summary.json")
    (run / "manifest.json").write_text(json.dumps(manifest))


def _corrupt_signature(run: Path) -> None:
    doc = json.loads((run / "manifest.sig").read_text())
    sig = bytearray(base64.b64decode(doc["signature"]))
    sig[0] ^= 0xFF
    doc["signature"] = base64.b64encode(bytes(sig)).decode()
    (run / "manifest.sig").write_text(json.dumps(doc))


@pytest.mark.parametrize("tamper, expected", [
    (_tamper_byte, ["report.pdf: changed"]),
    (lambda d: (d / "data" / "coverage.csv").unlink(), ["data/coverage.csv: missing"]),
    (lambda d: (d / "data" / "extra.csv").write_text("x"), ["data/extra.csv: unexpected"]),
    (_edit_summary, ["summary.json: changed"]),
    (_forge_manifest, ["manifest.sig: bad signature"]),
    (_corrupt_signature, ["manifest.sig: bad signature"]),
    (lambda d: (d / "manifest.sig").unlink(), ["manifest.sig: missing"]),
])
def test_verify_names_each_problem_ed25519(small_run, capsys, tamper, expected):
    assert main(["verify", str(small_run)]) == 0
    capsys.readouterr()
    tamper(small_run)
    assert main(["verify", str(small_run)]) == 1
    out = capsys.readouterr().out
    for text in expected:
        assert text in out


def test_delivery_records_do_not_break_verify(small_run):
    (small_run / "delivery").mkdir()
    (small_run / "delivery" / "email.json").write_text("{}")
    assert main(["verify", str(small_run)]) == 0


def test_a_trusted_public_key_catches_a_re_signed_run(small_run, tmp_path, signing_key, capsys):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    trusted = tmp_path / "trusted.pub"
    key = serialization.load_pem_private_key(signing_key.read_bytes(), None)
    assert isinstance(key, Ed25519PrivateKey)
    trusted.write_bytes(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    assert main(["verify", str(small_run), "--public-key", str(trusted)]) == 0
    assert "the trusted public key" in capsys.readouterr().out

    # An attacker forges the manifest and re-signs it with their own key (and ships its .pub):
    _forge_manifest(small_run)
    mallory = write_ed25519_key(tmp_path / "mallory.pem")
    sign_run(small_run, load_signer(ArchiveConfig(signing_key_file=str(mallory))))
    assert main(["verify", str(small_run)]) == 0  # self-consistent with the key inside the run...
    capsys.readouterr()
    assert main(["verify", str(small_run), "--public-key", str(trusted)]) == 1  # ...but not with the trusted one
    assert "manifest.sig: bad signature" in capsys.readouterr().out


def test_an_unsigned_run_fails_when_a_key_is_required(tmp_path, capsys):
    paths = RunPaths(tmp_path, "20261130T000000Z")
    run_dir = paths.start()
    write_json(run_dir / "summary.json", {})
    write_manifest(run_dir, {})
    run_dir = paths.commit()
    assert main(["verify", str(run_dir)]) == 0
    assert "intact (not signed)" in capsys.readouterr().out
    key = tmp_path / "k.pub"
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key.write_bytes(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    assert main(["verify", str(run_dir), "--public-key", str(key)]) == 1
    assert "manifest.sig: missing" in capsys.readouterr().out


# -- HMAC-SHA256 ----------------------------------------------------------------------------------

@pytest.fixture
def hmac_run(tmp_path, monkeypatch) -> Path:
    key_file = tmp_path / "hmac.key"
    key_file.write_text(HMAC_SECRET + "\n")
    paths = RunPaths(tmp_path, "20261130T000000Z")
    run_dir = paths.start()
    write_json(run_dir / "summary.json", {"run_id": paths.run_id})
    (run_dir / "report.html").write_text("<html></html>")
    write_manifest(run_dir, {"run_id": paths.run_id})
    sign_run(run_dir, load_signer(ArchiveConfig(signing_algorithm="hmac-sha256", signing_key_file=str(key_file))))
    assert not (run_dir / "manifest.pub").exists()
    return paths.commit()


def test_hmac_verify_with_the_key_from_a_file_or_the_environment(hmac_run, tmp_path, monkeypatch, capsys):
    key_file = tmp_path / "hmac.key"
    assert main(["verify", str(hmac_run), "--hmac-key-file", str(key_file)]) == 0
    assert "signature valid (HMAC-SHA256)" in capsys.readouterr().out
    monkeypatch.setenv("ECR_REPORT_HMAC_KEY", HMAC_SECRET)
    assert main(["verify", str(hmac_run)]) == 0


def test_hmac_without_a_key_cannot_be_called_intact(hmac_run, capsys):
    assert main(["verify", str(hmac_run)]) == 1
    assert "HMAC-SHA256 signature not checked: no key" in capsys.readouterr().out


@pytest.mark.parametrize("tamper", [lambda d: (d / "summary.json").write_text("{}"),
                                    lambda d: _forge_hmac(d)])
def test_hmac_catches_tampering_and_a_wrong_key(hmac_run, monkeypatch, capsys, tamper):
    monkeypatch.setenv("ECR_REPORT_HMAC_KEY", HMAC_SECRET)
    tamper(hmac_run)
    assert main(["verify", str(hmac_run)]) == 1
    out = capsys.readouterr().out
    assert "summary.json: changed" in out or "manifest.sig: bad signature (HMAC-SHA256)" in out


def _forge_hmac(run: Path) -> None:
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["run_id"] = "forged"
    (run / "manifest.json").write_text(json.dumps(manifest))


def test_hmac_wrong_key(hmac_run, monkeypatch, capsys):
    monkeypatch.setenv("ECR_REPORT_HMAC_KEY", "another-secret-of-enough-length")
    assert main(["verify", str(hmac_run)]) == 1
    assert "manifest.sig: bad signature (HMAC-SHA256)" in capsys.readouterr().out


# -- keys and configuration -----------------------------------------------------------------------

def test_bad_keys_are_one_line_config_errors(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    rsa_like = tmp_path / "ec.pem"
    rsa_like.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(ConfigError, match="not an Ed25519 key"):
        load_signer(ArchiveConfig(signing_key_file=str(rsa_like)))
    with pytest.raises(ConfigError, match="signing key file"):
        load_signer(ArchiveConfig(signing_key_file=str(tmp_path / "missing.pem")))
    (tmp_path / "junk.pem").write_text("junk")
    with pytest.raises(ConfigError, match="not a usable PEM"):
        load_signer(ArchiveConfig(signing_key_file=str(tmp_path / "junk.pem")))
    with pytest.raises(ConfigError, match="too short"):
        load_signer(ArchiveConfig(signing_algorithm="hmac-sha256"), env={"ECR_REPORT_HMAC_KEY": "short"})
    assert load_signer(ArchiveConfig(), env={}) is None
    assert "Ed25519PrivateKey" not in repr(load_signer(ArchiveConfig(signing_key_file=str(
        write_ed25519_key(tmp_path / "ok.pem")))))


def test_run_refuses_a_bad_key_before_collecting(tmp_path):
    import subprocess
    import sys

    (tmp_path / "c.toml").write_text(f'[archive]\nsigning_key_file = "{tmp_path / "missing.pem"}"\n')
    result = subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", "run", "--demo", "--config",
                             str(tmp_path / "c.toml"), "--output", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "signing key file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_changed_manifest_drops_the_stale_signature_an_identical_one_keeps_it(small_run):
    sig = (small_run / "manifest.sig").read_bytes()
    manifest = json.loads((small_run / "manifest.json").read_text())
    meta = {k: v for k, v in manifest.items() if k not in ("files", "manifest_version")}
    write_manifest(small_run, meta)  # same content: the signature still applies
    assert (small_run / "manifest.sig").read_bytes() == sig
    (small_run / "report.html").write_text("<html>re-rendered</html>")
    write_manifest(small_run, meta)
    assert not (small_run / "manifest.sig").exists() and not (small_run / "manifest.pub").exists()
    assert main(["verify", str(small_run)]) == 0
