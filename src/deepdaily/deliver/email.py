"""Email over SMTP: the digest inline, as HTML and plain text (``multipart/alternative``).

Settings (``[[deliver]] type = "email"``): ``host``, ``port`` (default by ``security``: 587
``starttls``, 465 ``ssl``, 25 ``none``), ``security``, ``username`` or ``username_env``,
``password_env``, ``sender``, ``to``, ``cc``, ``bcc``, ``subject`` (default: the digest's
title), ``list_id``, ``ca_file`` (a private CA to trust besides the system's), ``timeout``.

The plain-text part is the post's Markdown (front matter removed), readable as it is; the HTML
part is that Markdown rendered by markdown-it-py (CommonMark, raw HTML off: a source's markup
is shown as text, never run) in a small self-contained page, every source a clickable link.
``Bcc`` recipients are in the envelope only. The server's certificate is always verified;
with ``security = "none"`` a password is only sent to a loopback relay. The ``Message-ID`` is
recorded. SMTP 4xx answers, refused or dropped connections are retried; 5xx answers,
authentication and certificate failures are not.
"""

from __future__ import annotations

import asyncio
import html
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr

import httpx
from markdown_it import MarkdownIt

from deepdaily.deliver.base import Channel, Message, Payload, register
from deepdaily.errors import DeliveryError

__all__ = ["EmailChannel", "render_html"]

_STYLE = (
    "body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC','Microsoft YaHei',"
    "sans-serif;line-height:1.6;color:#1f2328;max-width:760px;margin:0 auto;padding:16px}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #d0d7de}"
    "blockquote{color:#57606a;border-left:4px solid #d0d7de;margin:0;padding:0 1em}"
    "a{color:#0969da;word-break:break-all}code{background:#f6f8fa;padding:0 .2em}"
)


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False})


def render_html(title: str, markdown: str, url: str, full_label: str) -> str:
    """The HTML part: the digest's Markdown rendered, raw HTML shown as text."""
    body = _parser().render(markdown)
    link = (
        f'<p><a href="{html.escape(url, quote=True)}">{html.escape(full_label)}</a></p>'
        if url
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>\n{body}{link}</body></html>\n"
    )


def _domain(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "localhost"


@register
class EmailChannel(Channel):
    type = "email"

    def messages(self, payload: Payload) -> list[Message]:
        spec = self.spec
        content = payload.content
        subject = spec.subject or content.title
        mail = EmailMessage()
        mail["Subject"] = subject
        mail["From"] = spec.sender
        mail["To"] = ", ".join(spec.to)
        if spec.cc:
            mail["Cc"] = ", ".join(spec.cc)
        mail["Date"] = formatdate(localtime=True)
        domain = _domain(spec.sender)
        mail["Message-ID"] = make_msgid(idstring=f"{content.profile}.{content.date}", domain=domain)
        mail["List-Id"] = f"<{spec.list_id or f'{content.profile}.deepdaily.{domain}'}>"
        mail["Auto-Submitted"] = "auto-generated"
        text = payload.markdown
        if content.url:
            text += f"\n{content.full_label}: {content.url}\n"
        mail.set_content(text, subtype="plain", charset="utf-8")
        mail.add_alternative(
            render_html(subject, payload.markdown, content.url, content.full_label),
            subtype="html",
            charset="utf-8",
        )
        return [Message(mail, len(mail.as_bytes()))]

    def recipients(self) -> list[str]:
        every = [*self.spec.to, *self.spec.cc, *self.spec.bcc]
        return [address for _, address in getaddresses(every) if address]

    async def send(self, client: httpx.AsyncClient, message: Message) -> str:
        return await asyncio.to_thread(self._send, message.body)

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if self.spec.ca_file:
            try:
                context.load_verify_locations(cafile=self.spec.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise self.fail(f"ca_file {self.spec.ca_file}: cannot be read ({exc})") from None
        return context

    def _send(self, mail: EmailMessage) -> str:
        spec = self.spec
        host, port = spec.host, spec.smtp_port()
        where = f"SMTP {host}:{port}"
        username = self.secrets.get("username_env") or spec.username
        password = self.secrets.get("password_env", "")
        if spec.security == "none" and password and host not in ("127.0.0.1", "::1", "localhost"):
            raise self.fail(
                'security = "none" would send the password in clear to a remote server; '
                'use "starttls" or "ssl"'
            )
        try:
            if spec.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=spec.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(host, port, timeout=spec.timeout)
            with smtp:
                smtp.ehlo()
                if spec.security == "starttls":
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                if username or password:
                    smtp.login(username, password)
                smtp.send_message(
                    mail, from_addr=parseaddr(spec.sender)[1], to_addrs=self.recipients()
                )
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise self.fail(f"{where} refused the login ({exc.smtp_code})") from None
        except smtplib.SMTPRecipientsRefused as exc:
            refused = ", ".join(sorted(exc.recipients))
            raise self.fail(f"{where} refused the recipients {refused}") from None
        except smtplib.SMTPResponseException as exc:
            text = (
                exc.smtp_error.decode("utf-8", "replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise self.fail(
                f"{where} answered {exc.smtp_code} {' '.join(text.split())[:200]}",
                retryable=400 <= exc.smtp_code < 500,
                status=exc.smtp_code,
            ) from None
        except smtplib.SMTPServerDisconnected:
            raise self.fail(f"{where} closed the connection", retryable=True) from None
        except ssl.SSLError as exc:
            raise self.fail(f"{where}: TLS failed ({exc.reason or exc})") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise self.fail(f"{where}: {exc}") from None
        except smtplib.SMTPException as exc:
            raise self.fail(f"{where}: {type(exc).__name__}: {exc}") from None
        except (ConnectionError, TimeoutError, OSError) as exc:
            raise self.fail(
                f"cannot connect to {where} ({type(exc).__name__})", retryable=True
            ) from None
        return str(mail["Message-ID"])
