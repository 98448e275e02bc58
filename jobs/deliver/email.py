"""The weekly email: HTML (inline CSS, no scripts) with the headline figures and PNG charts
attached by Content-ID, a plain-text alternative, and the PDF attached; sent by SMTP (STARTTLS)
or Amazon SES (`SendRawEmail`).

Message structure (what common clients render best):

    multipart/mixed
      multipart/alternative
        text/plain
        multipart/related
          text/html              <img src="cid:coverage.<run_id>@<domain>">
          image/png (inline, Content-ID)   ...one per chart
      application/pdf (attachment)

The words (subject, bodies) come from `reports.render.email` and the PNG charts from
`reports.render.email_charts`; this module assembles the message and sends it.

Delivery is not collection: the SES client here is made with a plain `boto3.Session()`, NOT
through `aws_session.SessionFactory`, whose read-only guard (rightly) refuses
`ses:SendRawEmail`. SMTP credentials come from `ECR_REPORT_SMTP_USER` and
`ECR_REPORT_SMTP_PASSWORD` (or a secret file: `[email] smtp_password_file` or
`ECR_REPORT_SMTP_PASSWORD_FILE`), are sent only over STARTTLS (or to a loopback relay) and
are never logged.

Idempotence: the Message-ID is derived from the run id, sender and recipients, and
`delivery/email.json` records each attempt. A run whose record says `sent` is never sent again;
if a previous attempt died after handing the message over but before recording it (`sending`),
the retry re-sends with the *same* Message-ID, which receiving systems use to de-duplicate.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formatdate
from pathlib import Path
from typing import Any, Callable, Mapping, Protocol, Sequence

from ...reports.concern import Concern
from ...reports.render.email import email_bodies, email_subject, email_view
from ...reports.render.email_charts import Chart, headline_charts
from ..config import ConfigError, EmailConfig
from ..plugins import CONCERNS
from ..rundir import PARTIAL_PREFIX, SNAPSHOT, SUMMARY
from .records import channel_lock, read_record, utc_now, write_record

log = logging.getLogger("ecr_report.deliver.email")

CHANNEL = "email"
SMTP_USER_ENV = "ECR_REPORT_SMTP_USER"
SMTP_PASSWORD_ENV = "ECR_REPORT_SMTP_PASSWORD"
SMTP_PASSWORD_FILE_ENV = "ECR_REPORT_SMTP_PASSWORD_FILE"


@dataclass(frozen=True)
class EmailOutcome:
    status: str
    """sent | already-sent | not-configured | failed"""
    message_id: str | None = None
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status == "failed"


class PermanentError(Exception):
    """A failure that retrying cannot fix (authentication, rejected address, bad config)."""


class Transport(Protocol):
    name: str

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> dict[str, Any]:
        """Hand the message over; returns extra fields for the delivery record."""


# -- the message --------------------------------------------------------------------------------

def _domain(sender: str) -> str:
    return sender.rpartition("@")[2].strip("> ") or "ecr-report.invalid"


def message_id_for(run_id: str, sender: str, recipients: Sequence[str]) -> str:
    key = json.dumps([run_id, sender, sorted(r.lower() for r in recipients)])
    return f"<ecr-report.{run_id}.{hashlib.sha256(key.encode()).hexdigest()[:16]}@{_domain(sender)}>"


def report_language(run_dir: Path) -> str:
    """The run's report language (snapshot settings `report_language`): the email is written in
    it too. English when the snapshot does not say (older runs) or cannot be read."""
    try:
        settings = json.loads((run_dir / SNAPSHOT).read_text(encoding="utf-8")).get("settings")
    except (OSError, ValueError, AttributeError):
        return "en"
    language = settings.get("report_language") if isinstance(settings, Mapping) else None
    return str(language) if language else "en"


def build_message(run_dir: Path, cfg: EmailConfig, *, date: Any = None,
                  concerns: Sequence[Concern] = CONCERNS) -> EmailMessage:
    """The complete message for a run (nothing is sent); its figures are the foundation's and
    each of `concerns`' (the composition root's by default)."""
    if not cfg.sender:
        raise ConfigError("[email] sender is required to send the report by email")
    try:
        summary = json.loads((run_dir / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{run_dir}: cannot read {SUMMARY} ({exc})") from None
    run_id = str(summary.get("run_id") or run_dir.name)
    pdf = run_dir / "report.pdf"
    has_pdf = cfg.attach_pdf and pdf.is_file()
    domain = _domain(cfg.sender)
    lang = report_language(run_dir)
    charts = headline_charts(summary, lang)
    cids = {c.cid: f"{c.cid}.{run_id}@{domain}" for c in charts}
    view = email_view(summary, concerns, has_pdf=has_pdf, lang=lang)
    view["charts"] = [{"cid": cids[c.cid], "alt": c.alt, "title": c.title}
                      for c in charts]
    text, html = email_bodies(view)

    message = EmailMessage()
    message["Subject"] = email_subject(cfg.subject_prefix, summary, lang)
    message["From"] = cfg.sender
    message["To"] = ", ".join(cfg.recipients)
    message["Date"] = format_datetime(date) if date is not None else formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id_for(run_id, cfg.sender, cfg.recipients)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a report
    message["X-ECR-Report-Run"] = run_id
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    html_part = message.get_payload()[1]
    for chart in charts:
        _attach_chart(html_part, chart, cids[chart.cid])
    if has_pdf:
        message.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf",
                               filename=f"ecr-report-{run_id}.pdf")
    return message


def _attach_chart(html_part: EmailMessage, chart: Chart, cid: str) -> None:
    html_part.add_related(chart.png, maintype="image", subtype="png", cid=f"<{cid}>",
                          filename=f"{chart.cid}.png", disposition="inline")


# -- transports ---------------------------------------------------------------------------------

def smtp_credentials(cfg: EmailConfig, env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    env = os.environ if env is None else env
    user = env.get(SMTP_USER_ENV)
    password = env.get(SMTP_PASSWORD_ENV)
    secret_file = cfg.smtp_password_file or env.get(SMTP_PASSWORD_FILE_ENV)
    if password is None and secret_file:
        try:
            password = Path(secret_file).read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise ConfigError(f"SMTP password file {secret_file}: {exc.strerror or exc}") from None
    if not user and not password:
        return None
    if not user or password is None:
        raise ConfigError(f"SMTP credentials need both {SMTP_USER_ENV} and a password "
                          f"({SMTP_PASSWORD_ENV} or a password file)")
    return user, password


class SmtpTransport:
    name = "smtp"

    def __init__(self, cfg: EmailConfig, env: Mapping[str, str] | None = None) -> None:
        self.cfg = cfg
        self._credentials = smtp_credentials(cfg, env)
        loopback = cfg.smtp_host in ("localhost", "127.0.0.1", "::1")
        if self._credentials and not cfg.starttls and not loopback:
            raise ConfigError("SMTP credentials would be sent unencrypted: set [email] starttls = true")

    def __repr__(self) -> str:  # no credentials in logs or tracebacks
        return f"SmtpTransport({self.cfg.smtp_host}:{self.cfg.smtp_port}, starttls={self.cfg.starttls})"

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> dict[str, Any]:
        cfg = self.cfg
        try:
            with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.smtp_timeout_seconds) as smtp:
                smtp.ehlo()
                if cfg.starttls:
                    smtp.starttls(context=ssl.create_default_context(cafile=cfg.smtp_ca_file))
                    smtp.ehlo()
                if self._credentials:
                    smtp.login(*self._credentials)
                refused = smtp.send_message(message, from_addr=sender, to_addrs=list(recipients))
        except (smtplib.SMTPAuthenticationError, smtplib.SMTPRecipientsRefused,
                smtplib.SMTPNotSupportedError) as exc:
            raise PermanentError(_smtp_error(exc)) from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise PermanentError(_smtp_error(exc)) from None
            raise
        except ssl.SSLCertVerificationError as exc:
            raise PermanentError(f"STARTTLS certificate not trusted ({exc.verify_message})") from None
        return {"refused": {addr: [code, _text(resp)] for addr, (code, resp) in refused.items()}}


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _smtp_error(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_text(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"all recipients refused: {sorted(exc.recipients)}"
    return f"{type(exc).__name__}: {exc}"


class SesTransport:
    """Amazon SES v1 `SendRawEmail` (IAM: ses:SendRawEmail on the sender identity).

    A write, so the client comes from a plain `boto3.Session()` (standard credential chain,
    `AWS_ENDPOINT_URL` honoured), not the read-only collection factory.
    """

    name = "ses"

    def __init__(self, cfg: EmailConfig) -> None:
        import boto3
        import botocore.config

        self.client = boto3.Session().client(
            "ses", region_name=cfg.ses_region or None,
            config=botocore.config.Config(retries={"mode": "standard", "max_attempts": 3},
                                          user_agent_extra="ecr-report"))

    def send(self, message: EmailMessage, sender: str, recipients: Sequence[str]) -> dict[str, Any]:
        import botocore.exceptions

        try:
            response = self.client.send_raw_email(Source=sender, Destinations=list(recipients),
                                                  RawMessage={"Data": message.as_bytes()})
        except botocore.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            text = f"SES {code}: {exc.response.get('Error', {}).get('Message', '')}"
            if code in ("MessageRejected", "MailFromDomainNotVerified", "ConfigurationSetDoesNotExist",
                        "AccessDenied", "AccessDeniedException", "InvalidParameterValue"):
                raise PermanentError(text) from None
            raise RuntimeError(text) from None
        except (botocore.exceptions.NoCredentialsError, botocore.exceptions.NoRegionError) as exc:
            raise PermanentError(f"SES: {exc}") from None
        # SES puts its own Message-ID on the delivered mail; ours stays in the record.
        return {"ses_message_id": response["MessageId"]}


def make_transport(cfg: EmailConfig) -> Transport:
    return SesTransport(cfg) if cfg.transport == "ses" else SmtpTransport(cfg)


# -- delivering ---------------------------------------------------------------------------------

def deliver_email(run_dir: Path, cfg: EmailConfig, *, transport: Transport | None = None,
                  sleep: Callable[[float], None] = time.sleep) -> EmailOutcome:
    """Send the run's email once; retries with exponential backoff, then reports failure."""
    if not cfg.recipients:
        return EmailOutcome("not-configured", detail="no [email] recipients")
    if run_dir.name.startswith(PARTIAL_PREFIX):
        raise ConfigError(f"{run_dir}: incomplete run; not delivered")
    with channel_lock(run_dir, CHANNEL):
        record = read_record(run_dir, CHANNEL) or {}
        if record.get("status") == "sent":
            detail = f"already sent {record.get('sent_at')} to {len(record.get('recipients', []))} recipient(s)"
            log.info("email for %s: %s (%s); not sent again", run_dir.name, detail, record.get("message_id"))
            return EmailOutcome("already-sent", record.get("message_id"), detail)
        message = build_message(run_dir, cfg)
        transport = transport or make_transport(cfg)
        message_id = str(message["Message-ID"])
        if record.get("status") == "sending":
            log.warning("email for %s: an earlier attempt ended without a result; re-sending with the "
                        "same Message-ID %s so receivers can de-duplicate", run_dir.name, message_id)
        base = {"run_id": str(message["X-ECR-Report-Run"]), "message_id": message_id,
                "transport": transport.name, "sender": cfg.sender, "recipients": list(cfg.recipients),
                "subject": str(message["Subject"])}
        errors: list[str] = list(record.get("errors", []))
        write_record(run_dir, CHANNEL, {**base, "status": "sending", "started_at": utc_now(), "errors": errors})
        extra, attempts = _send_with_retries(run_dir, message, cfg, transport, errors, sleep)
        if extra is not None:
            write_record(run_dir, CHANNEL, {**base, **extra, "status": "sent", "sent_at": utc_now(),
                                             "attempts": attempts, "errors": errors})
            log.info("email for %s sent via %s to %d recipient(s), Message-ID %s",
                     run_dir.name, transport.name, len(cfg.recipients), message_id)
            return EmailOutcome("sent", message_id, f"sent via {transport.name}")
        write_record(run_dir, CHANNEL, {**base, "status": "failed", "failed_at": utc_now(),
                                         "attempts": attempts, "errors": errors})
        last = errors[-1].split(": ", 1)[-1] if errors else "unknown error"
        log.error("email for %s FAILED after %d attempt(s): %s (the run is kept; "
                  "re-send with `ecr-report deliver %s`)", run_dir.name, attempts, last, run_dir)
        return EmailOutcome("failed", message_id, last)


def _send_with_retries(run_dir: Path, message: EmailMessage, cfg: EmailConfig, transport: Transport,
                       errors: list[str], sleep: Callable[[float], None]) -> tuple[dict[str, Any] | None, int]:
    """Hand the message over, retrying transient failures with exponential backoff; each failure
    is appended to `errors`. Returns (the transport's record fields, or None when every attempt
    failed or one failed permanently; the number of attempts made)."""
    attempts = 0
    for attempt in range(1, cfg.max_attempts + 1):
        attempts = attempt
        try:
            return transport.send(message, cfg.sender or "", cfg.recipients), attempt
        except PermanentError as exc:
            errors.append(f"{utc_now()} attempt {attempt}: {exc}")
            log.warning("email for %s: attempt %d failed permanently: %s", run_dir.name, attempt, exc)
            break
        except (OSError, RuntimeError, smtplib.SMTPException) as exc:
            errors.append(f"{utc_now()} attempt {attempt}: {type(exc).__name__}: {exc}")
            if attempt < cfg.max_attempts:
                delay = cfg.retry_backoff_seconds * 2 ** (attempt - 1)
                log.warning("email for %s: attempt %d of %d failed (%s: %s); retrying in %.0f s",
                            run_dir.name, attempt, cfg.max_attempts, type(exc).__name__, exc, delay)
                sleep(delay)
    return None, attempts
