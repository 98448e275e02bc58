"""The weekly email through a real SMTP server on loopback, parsed as a mail client would."""

from __future__ import annotations

import email
import email.policy
import json
import logging
import ssl
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.config import EmailConfig
from ecr_report.jobs.deliver.email import deliver_email, message_id_for
from ecr_report.jobs.rundir import verify_run

from delivery_peers import free_port

RECIPIENTS = ("platform-leads@example.com", "cfo@example.com")


def _cfg(host, port, **extra) -> EmailConfig:
    return EmailConfig(transport="smtp", smtp_host=host, smtp_port=port, starttls=False,
                       sender="ecr-report@example.com", recipients=RECIPIENTS,
                       retry_backoff_seconds=0, smtp_timeout_seconds=10, **extra)


def _toml(path, host, port, **extra) -> str:
    lines = ["[email]", 'transport = "smtp"', f'smtp_host = "{host}"', f"smtp_port = {port}",
             "starttls = false", 'sender = "ecr-report@example.com"',
             "recipients = " + json.dumps(list(RECIPIENTS)), "retry_backoff_seconds = 0"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in extra.items()]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_the_email_has_html_text_charts_by_cid_and_the_pdf(finished_run, smtp_server):
    host, port, inbox = smtp_server
    outcome = deliver_email(finished_run, _cfg(host, port))
    assert outcome.status == "sent"
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == "ecr-report@example.com"
    assert sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)

    msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    run_id = finished_run.name
    assert msg["Message-ID"] == outcome.message_id == message_id_for(run_id, "ecr-report@example.com", RECIPIENTS)
    assert msg["From"] == "ecr-report@example.com"
    assert {a.addr_spec for a in msg["To"].addresses} == set(RECIPIENTS)
    assert msg["Subject"].startswith("[DEMO] ECR report 2026-11-30: ")
    assert "repositories scanned" in msg["Subject"]
    assert msg["Auto-Submitted"] == "auto-generated" and msg["X-ECR-Report-Run"] == run_id
    assert msg["Date"]

    # multipart/mixed [ alternative [ plain, related [ html, png, png ] ], pdf ]
    assert msg.get_content_type() == "multipart/mixed"
    alternative, pdf = msg.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, related = alternative.get_payload()
    assert plain.get_content_type() == "text/plain" and related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    assert [i.get_content_type() for i in images] == ["image/png", "image/png"]

    html = html_part.get_content()
    assert "<script" not in html.lower() and "<style" not in html.lower()
    summary = json.loads((finished_run / "summary.json").read_text())
    scanned = f"{summary['coverage']['repositories_scanned']} of {summary['coverage']['repositories_total']}"
    assert scanned in html and scanned in plain.get_content()
    assert "DEMO DATA" in html and "Failing control checks" in html
    for image in images:
        cid = image["Content-ID"].strip("<>")
        assert cid.endswith(f".{run_id}@example.com")
        assert f'src="cid:{cid}"' in html
        assert image.get_content_disposition() == "inline"
        assert image.get_content().startswith(b"\x89PNG\r\n\x1a\n")

    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_content_disposition() == "attachment"
    assert pdf.get_filename() == f"ecr-report-{run_id}.pdf"
    assert pdf.get_content() == (finished_run / "report.pdf").read_bytes()

    record = json.loads((finished_run / "delivery" / "email.json").read_text())
    assert record["status"] == "sent" and record["message_id"] == outcome.message_id
    assert record["recipients"] == list(RECIPIENTS) and record["attempts"] == 1
    # The delivery record is outside the manifest: the run still verifies, signature included.
    assert verify_run(finished_run) == []


def test_a_second_delivery_sends_nothing(finished_run, smtp_server, tmp_path, capsys):
    host, port, inbox = smtp_server
    config = _toml(tmp_path / "c.toml", host, port)
    assert main(["deliver", str(finished_run), "--config", config, "--no-upload"]) == 0
    assert main(["deliver", str(finished_run), "--config", config, "--no-upload"]) == 0
    assert len(inbox.envelopes) == 1
    out = capsys.readouterr().out
    assert "email: sent" in out and "email: already-sent" in out


def test_an_unknown_earlier_outcome_resends_with_the_same_message_id(finished_run, smtp_server):
    host, port, inbox = smtp_server
    cfg = _cfg(host, port)
    (finished_run / "delivery").mkdir()
    (finished_run / "delivery" / "email.json").write_text(json.dumps({"status": "sending"}))
    outcome = deliver_email(finished_run, cfg)
    assert outcome.status == "sent" and len(inbox.envelopes) == 1
    msg = email.message_from_bytes(inbox.envelopes[0].original_content, policy=email.policy.default)
    assert msg["Message-ID"] == message_id_for(finished_run.name, cfg.sender, cfg.recipients)


def test_smtp_failure_retries_then_fails_with_exit_4_and_keeps_the_run(finished_run, tmp_path, capsys, caplog):
    dead_port = free_port()  # nothing listens here
    config = _toml(tmp_path / "c.toml", "127.0.0.1", dead_port, max_attempts=3)
    before = sorted(p.relative_to(finished_run).as_posix() for p in finished_run.rglob("*"))
    with caplog.at_level(logging.WARNING):
        code = main(["deliver", str(finished_run), "--config", config, "--no-upload"])
    assert code == 4
    assert "delivery failed; the run is kept" in capsys.readouterr().err
    record = json.loads((finished_run / "delivery" / "email.json").read_text())
    assert record["status"] == "failed" and record["attempts"] == 3 and len(record["errors"]) == 3
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 2
    assert any(r.levelno == logging.ERROR and "FAILED after 3 attempt(s)" in r.getMessage() for r in caplog.records)
    # The run is untouched (only delivery/ was added) and still intact.
    after = sorted(p.relative_to(finished_run).as_posix() for p in finished_run.rglob("*")
                   if p.relative_to(finished_run).parts[0] != "delivery")
    assert after == before and verify_run(finished_run) == []


def test_backoff_doubles(finished_run):
    class Down:
        name = "smtp"

        def send(self, *_):
            raise ConnectionRefusedError("down")

    delays: list[float] = []
    cfg = _cfg("127.0.0.1", 1).model_copy(update={"max_attempts": 4, "retry_backoff_seconds": 2.0})
    outcome = deliver_email(finished_run, cfg, transport=Down(), sleep=delays.append)
    assert outcome.failed and delays == [2.0, 4.0, 8.0]


def test_a_failed_delivery_can_be_completed_later(finished_run, smtp_server):
    host, port, inbox = smtp_server
    assert deliver_email(finished_run, _cfg("127.0.0.1", free_port(), max_attempts=1)).failed
    assert deliver_email(finished_run, _cfg(host, port)).status == "sent"
    assert len(inbox.envelopes) == 1


def test_no_recipients_means_no_email(finished_run):
    outcome = deliver_email(finished_run, EmailConfig(sender="a@example.com"))
    assert outcome.status == "not-configured" and not (finished_run / "delivery" / "email.json").exists()


# -- STARTTLS and credentials ---------------------------------------------------------------------

def _self_signed(tmp_path):
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def test_starttls_and_login_with_credentials_from_the_environment(finished_run, tmp_path, monkeypatch, caplog):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from delivery_peers import Inbox

    cert_file, key_file = _self_signed(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert_file, key_file)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret-pa55", handled=False)

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=tls, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    try:
        monkeypatch.setenv("ECR_REPORT_SMTP_USER", "reporter")
        monkeypatch.setenv("ECR_REPORT_SMTP_PASSWORD", "s3cret-pa55")
        cfg = _cfg("127.0.0.1", port).model_copy(update={"starttls": True, "smtp_ca_file": str(cert_file)})
        with caplog.at_level(logging.DEBUG):
            outcome = deliver_email(finished_run, cfg)
        assert outcome.status == "sent", outcome
        assert logins == [(b"reporter", b"s3cret-pa55")] and len(inbox.envelopes) == 1
        assert "s3cret-pa55" not in caplog.text
        assert "s3cret-pa55" not in (finished_run / "delivery" / "email.json").read_text()

        # A wrong password is permanent: one attempt, no retries, and still never logged.
        monkeypatch.setenv("ECR_REPORT_SMTP_PASSWORD", "wrong-pa55")
        (finished_run / "delivery" / "email.json").unlink()
        with caplog.at_level(logging.DEBUG):
            failed = deliver_email(finished_run, cfg.model_copy(update={"max_attempts": 3}))
        assert failed.failed and "SMTPAuthenticationError" in failed.detail
        assert json.loads((finished_run / "delivery" / "email.json").read_text())["attempts"] == 1
        assert "wrong-pa55" not in caplog.text
    finally:
        controller.stop()


def test_password_from_a_secret_file(tmp_path, monkeypatch):
    from ecr_report.jobs.deliver.email import smtp_credentials

    secret = tmp_path / "smtp-password"
    secret.write_text("from-a-file\n")
    cfg = EmailConfig(smtp_password_file=str(secret))
    assert smtp_credentials(cfg, {"ECR_REPORT_SMTP_USER": "u"}) == ("u", "from-a-file")
    assert smtp_credentials(EmailConfig(), {}) is None


def test_credentials_are_never_sent_in_clear_to_a_remote_relay():
    from ecr_report.jobs.config import ConfigError
    from ecr_report.jobs.deliver.email import SmtpTransport

    cfg = EmailConfig(smtp_host="smtp.example.com", starttls=False)
    with pytest.raises(ConfigError, match="unencrypted"):
        SmtpTransport(cfg, {"ECR_REPORT_SMTP_USER": "u", "ECR_REPORT_SMTP_PASSWORD": "p"})


# -- `ecr-report run --deliver` -------------------------------------------------------------------

def test_run_without_deliver_sends_nothing_and_with_deliver_sends(tmp_path, smtp_server, capsys):
    host, port, inbox = smtp_server
    config = _toml(tmp_path / "c.toml", host, port)
    assert main(["run", "--demo", "--no-pdf", "--config", config, "--output", str(tmp_path / "o")]) == 0
    assert inbox.envelopes == []
    assert main(["run", "--demo", "--no-pdf", "--deliver", "--config", config, "--output", str(tmp_path / "o")]) == 0
    assert len(inbox.envelopes) == 1
    msg = email.message_from_bytes(inbox.envelopes[0].original_content, policy=email.policy.default)
    assert [p.get_content_type() for p in msg.iter_attachments()] == []  # --no-pdf: nothing to attach
    assert "email: sent" in capsys.readouterr().err


def test_run_deliver_with_smtp_down_exits_4_and_keeps_the_run(tmp_path, capsys):
    config = _toml(tmp_path / "c.toml", "127.0.0.1", free_port(), max_attempts=2)
    code = main(["run", "--demo", "--no-pdf", "--deliver", "--config", config, "--output", str(tmp_path / "o")])
    assert code == 4
    captured = capsys.readouterr()
    run_dir = Path(captured.out.strip())
    assert run_dir.is_dir() and "delivery failed; the run is kept" in captured.err
    assert verify_run(run_dir) == []
    assert json.loads((run_dir / "delivery" / "email.json").read_text())["status"] == "failed"
