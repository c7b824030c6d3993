"""Email delivery to a real SMTP server on loopback (aiosmtpd): STARTTLS and implicit TLS with a
certificate made here, AUTH, multipart/alternative with the digest inline, Bcc only in the
envelope, retries on 4xx, and refusals (bad login, untrusted certificate) not retried."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from deepdaily.deliver import deliver_digest
from deepdaily.store import Store
from deliver_support import DAY, make_digest, store_digest, write_settings

TARGET = dt.date.fromisoformat(DAY)
LOGIN, PASSWORD = "digest-bot", "smtp-password-for-tests-8d1e"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "deepdaily test relay")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Mailbox:
    """What the relay accepted; ``refuse`` answers DATA with these replies first."""

    envelopes: list[Any] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        self.envelopes.append(envelope)
        return "250 OK queued"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == LOGIN.encode()
            and auth_data.password == PASSWORD.encode()
        )
        if isinstance(auth_data, LoginPassword):
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)

    def message(self, index: int = 0) -> EmailMessage:
        raw = self.envelopes[index].original_content or self.envelopes[index].content
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


def relay(certificate: tuple[Path, Path], *, implicit: bool) -> tuple[Controller, Mailbox, int]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    box, port = Mailbox(), free_port()
    options: dict[str, Any] = (
        {"ssl_context": context}
        if implicit
        else {
            "tls_context": context,
            "require_starttls": True,
        }
    )
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=box.authenticate,
        auth_require_tls=not implicit,
        server_hostname="127.0.0.1",
        **options,
    )
    controller.start()
    return controller, box, port


@pytest.fixture
def starttls_relay(certificate: tuple[Path, Path]) -> Iterator[tuple[Mailbox, int]]:
    controller, box, port = relay(certificate, implicit=False)
    try:
        yield box, port
    finally:
        controller.stop()


def email_settings(tmp_path: Path, port: int, cert: Path | None, **changes: Any):  # type: ignore[no-untyped-def]
    spec: dict[str, Any] = {
        "type": "email",
        "name": "team-mail",
        "host": "127.0.0.1",
        "port": port,
        "security": "starttls",
        "username": LOGIN,
        "password_env": "DD_TEST_SMTP_PASSWORD",
        "sender": "Digest <digest@news.example>",
        "to": ["Reader <reader@team.example>"],
        "cc": ["lead@team.example"],
        "bcc": ["archive@team.example"],
        "retries": 2,
        "backoff": 0.01,
        "timeout": 5,
    }
    if cert is not None:
        spec["ca_file"] = str(cert)
    spec.update(changes)
    return write_settings(tmp_path, [spec])


def send(tmp_path: Path, settings: Any):  # type: ignore[no-untyped-def]
    with Store(settings.store.resolved_url()) as store:
        if store.digest(settings.profile.name, DAY) is None:
            store_digest(store, make_digest(3, profile=settings.profile.name))
        return deliver_digest(settings, store, TARGET)


def test_starttls_auth_and_the_digest_inline(
    tmp_path: Path, starttls_relay: tuple[Mailbox, int], certificate, monkeypatch
) -> None:
    box, port = starttls_relay
    monkeypatch.setenv("DD_TEST_SMTP_PASSWORD", PASSWORD)
    (outcome,) = send(tmp_path, email_settings(tmp_path, port, certificate[0]))
    assert outcome.status == "sent", outcome.error
    assert box.logins == [LOGIN]
    (envelope,) = box.envelopes
    assert envelope.mail_from == "digest@news.example"
    assert sorted(envelope.rcpt_tos) == [
        "archive@team.example",
        "lead@team.example",
        "reader@team.example",
    ]
    mail = box.message()
    assert "Bcc" not in mail and "archive@team.example" not in str(mail)
    assert mail["Subject"] == "AI 技术深度日报｜2026-02-12"
    assert mail["List-Id"] == "<zh.deepdaily.news.example>"
    assert outcome.message_ids == [mail["Message-ID"].strip()]
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",)).get_content()
    page = mail.get_body(("html",)).get_content()
    assert "## 1) Org1：Release 1 of the engine" in text
    assert "来源：<https://news.example/1>" in text
    assert "https://digest.example.org/posts/2026-02-12/" in text
    assert '<a href="https://news.example/1">https://news.example/1</a>' in page
    assert '<a href="https://blog.example/1?a=1&amp;b=2">' in page
    assert "<strong>长上下文</strong>" in page
    assert "&lt;b&gt;原文&lt;/b&gt;" in page and "<b>原文</b>" not in page
    assert "<h2>1) Org1：Release 1 of the engine</h2>" in page


def test_implicit_tls(tmp_path: Path, certificate, monkeypatch) -> None:
    controller, box, port = relay(certificate, implicit=True)
    try:
        monkeypatch.setenv("DD_TEST_SMTP_PASSWORD", PASSWORD)
        settings = email_settings(tmp_path, port, certificate[0], security="ssl")
        (outcome,) = send(tmp_path, settings)
    finally:
        controller.stop()
    assert outcome.status == "sent", outcome.error
    assert len(box.envelopes) == 1 and box.logins == [LOGIN]


def test_a_4xx_answer_is_retried(
    tmp_path: Path, starttls_relay: tuple[Mailbox, int], certificate, monkeypatch
) -> None:
    box, port = starttls_relay
    box.refuse = ["451 4.3.0 try again later"]
    monkeypatch.setenv("DD_TEST_SMTP_PASSWORD", PASSWORD)
    (outcome,) = send(tmp_path, email_settings(tmp_path, port, certificate[0]))
    assert outcome.status == "sent" and outcome.attempts == 2 and len(box.envelopes) == 1


def test_a_wrong_password_fails_once_without_the_password(
    tmp_path: Path, starttls_relay: tuple[Mailbox, int], certificate, monkeypatch
) -> None:
    box, port = starttls_relay
    monkeypatch.setenv("DD_TEST_SMTP_PASSWORD", "not-the-password-x9")
    (outcome,) = send(tmp_path, email_settings(tmp_path, port, certificate[0]))
    assert outcome.status == "failed" and outcome.attempts == 1
    assert "refused the login (535)" in outcome.error
    assert "not-the-password-x9" not in outcome.error and box.envelopes == []


def test_an_untrusted_certificate_is_refused(
    tmp_path: Path, starttls_relay: tuple[Mailbox, int], monkeypatch
) -> None:
    """Without ca_file the self-signed relay is not trusted: no login, no retry."""
    box, port = starttls_relay
    monkeypatch.setenv("DD_TEST_SMTP_PASSWORD", PASSWORD)
    (outcome,) = send(tmp_path, email_settings(tmp_path, port, None))
    assert outcome.status == "failed" and outcome.attempts == 1
    assert "TLS failed" in outcome.error and "CERTIFICATE_VERIFY_FAILED" in outcome.error
    assert box.logins == [] and box.envelopes == []


def test_a_refused_connection_is_retried_then_reported(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DD_TEST_SMTP_PASSWORD", PASSWORD)
    (outcome,) = send(tmp_path, email_settings(tmp_path, free_port(), None))
    assert outcome.status == "failed" and outcome.attempts == 3
    assert "cannot connect to SMTP 127.0.0.1" in outcome.error
