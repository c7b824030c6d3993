"""Bytes to text without mojibake: which charset a body is in, and what decoding it cost.

:func:`decode_body` (feeds, pages) takes, in order: a byte-order mark (or markup that starts in
UTF-16/32 without one); the document's own declaration (XML declaration or HTML
``<meta charset>``); the charset of the HTTP ``Content-Type``; UTF-8; then detection with
charset-normalizer, accepted only when confident (mess ratio at most ``MAX_CHAOS``).

A declared charset is used only when the bytes fit it: they must decode without error, and a
declaration of a legacy charset is overruled when the bytes are UTF-8 (text in a legacy charset
practically never forms UTF-8 sequences; a server or template claiming ``iso-8859-1`` for UTF-8
is the usual lie). When strict UTF-8 fails on a few bytes but most multi-byte sequences are
valid UTF-8, the body is read as UTF-8 and the bad bytes become U+FFFD: one stray byte never
turns a whole body into mojibake.

:func:`decode_lines` (JSON Lines) decodes each line on its own, so a line in another charset
costs that line, not the file.

Whenever a declaration was overruled, the charset had to be guessed or bytes were replaced, the
result carries a one-line :attr:`Decoded.warning` for the run summary. No settings govern it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

__all__ = ["MAX_CHAOS", "Decoded", "charset_of", "decode_body", "decode_lines"]

#: The highest charset-normalizer mess ratio (0 = clean text) a detected charset may have.
MAX_CHAOS = 0.1
#: A declared multi-byte charset (GBK, Shift_JIS...) is overruled by UTF-8 only when the body
#: has at least this many valid multi-byte UTF-8 sequences: a few legacy pairs can happen to
#: be valid UTF-8, many cannot.
MIN_SEQUENCES_MULTIBYTE = 3
#: Among detected charsets that fit equally well, this one wins (the web's legacy default).
PREFERRED_LEGACY = "cp1252"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)"""
    rb"""|<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
_WIDE_MARKUP = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_NO_BOM_UNICODE = ["utf_16", "utf_16_be", "utf_16_le", "utf_32", "utf_32_be", "utf_32_le"]
_ESCAPED = re.compile("[\udc80-\udcff]")  # undecodable bytes under "surrogateescape"
# WHATWG reads these labels as windows-1252, which is what such pages really contain.
_AS_CP1252 = frozenset({"latin_1", "iso8859_1", "ascii"})


@dataclass(frozen=True)
class Decoded:
    """A decoded body: the text, the codec used, bytes replaced and a warning ("" if clean)."""

    text: str
    encoding: str
    replaced: int = 0
    warning: str = ""


def charset_of(content_type: str) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` value, lower-case (None if absent)."""
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None


def _codec(label: str) -> str | None:
    try:
        name = codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None
    return "cp1252" if name.replace("-", "_") in _AS_CP1252 else name


def _nice(codec: str) -> str:
    names = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "cp1252": "windows-1252"}
    return names.get(codec, codec.upper() if codec.startswith("utf") else codec)


@lru_cache(maxsize=64)
def _single_byte(codec: str) -> bool:
    return len(bytes(range(0x80, 0x100)).decode(codec, errors="replace")) == 0x80


class _Utf8:
    """How a body reads as UTF-8: the text (bad bytes as U+FFFD), how many multi-byte
    sequences are valid and how many bytes are not UTF-8. Counted only when asked."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        try:
            self._strict: str | None = body.decode("utf-8")
        except UnicodeDecodeError:
            self._strict = None

    @cached_property
    def _profile(self) -> tuple[str, int, int]:
        if self._strict is not None:
            return self._strict, _non_ascii(self._strict), 0
        escaped = self._body.decode("utf-8", errors="surrogateescape")
        text, invalid = _ESCAPED.subn("\ufffd", escaped)
        return text, _non_ascii(escaped) - invalid, invalid

    @property
    def text(self) -> str:
        return self._profile[0]

    @property
    def valid(self) -> int:
        return self._profile[1]

    @property
    def invalid(self) -> int:
        return 0 if self._strict is not None else self._profile[2]

    @property
    def mostly(self) -> bool:
        return self.valid > self.invalid


def _non_ascii(text: str) -> int:
    return len(text) - len(text.encode("ascii", errors="ignore"))


def _utf8_overrules(codec: str, utf8: _Utf8) -> bool:
    """True when bytes that also fit the declared ``codec`` are really UTF-8."""
    if codec in ("utf-8", "utf-8-sig") or not utf8.mostly:
        return False
    return _single_byte(codec) or utf8.valid >= MIN_SEQUENCES_MULTIBYTE


def _detect(body: bytes) -> tuple[str, str] | None:
    """``(text, codec)`` from charset-normalizer, or None when it is not confident."""
    from charset_normalizer import from_bytes  # only bodies that are not UTF-8 need it

    matches = [
        m
        for m in from_bytes(body, preemptive_behaviour=False, cp_exclusion=_NO_BOM_UNICODE)
        if m.chaos <= MAX_CHAOS
    ]
    if not matches:
        return None
    # Short texts fit many charsets equally well: the cleanest and most coherent ones tie,
    # and among them windows-1252 (with every charset that decodes the same) wins.
    best = min(matches, key=lambda m: (m.chaos, -m.coherence))
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    for match in tied:
        if PREFERRED_LEGACY in {_codec(name) for name in match.could_be_from_charset}:
            best = match
            break
    codec = _codec(best.encoding) or best.encoding
    if PREFERRED_LEGACY in {_codec(name) for name in best.could_be_from_charset}:
        codec = PREFERRED_LEGACY
    try:
        return body.decode(codec), codec
    except (LookupError, UnicodeDecodeError):
        return None


def _lenient(body: bytes, codec: str) -> tuple[str, int]:
    """``body`` decoded with bad bytes as U+FFFD, and how many replacements were made."""
    text = body.decode(codec, errors="replace")
    return text, text.count("\ufffd") - body.decode(codec, errors="ignore").count("\ufffd")


def _join(notes: list[str], last: str) -> str:
    return "; ".join([*notes, last]) if last else "; ".join(notes)


def decode_body(body: bytes, declared: str | None = None) -> Decoded:
    """Decode a fetched body; ``declared`` is the HTTP header's charset. Never raises."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text, bad = _lenient(body, codec)
            warning = f"{bad} bytes not valid {_nice(codec)} were replaced" if bad else ""
            return Decoded(text, codec, bad, warning)
    if not body:
        return Decoded("", "utf-8")
    for start, codec in _WIDE_MARKUP:
        if body.startswith(start):  # XML or HTML in UTF-16/32 without a BOM (XML appendix F)
            text, bad = _lenient(body, codec)
            warning = f"{bad} bytes not valid {_nice(codec)} were replaced" if bad else ""
            return Decoded(text, codec, bad, warning)
    utf8 = _Utf8(body)
    notes: list[str] = []
    match = _DECLARED.search(body[:4096])
    in_document = (match.group(1) or match.group(2)).decode("ascii") if match else None
    for label, where in ((in_document, "the document"), (declared, "the HTTP header")):
        if not label:
            continue
        named = _codec(label)
        if named is None:
            notes.append(f"{where} declares unknown charset {label!r}")
            continue
        if named.startswith(("utf-16", "utf-32")) and b"\x00" not in body[:512]:
            notes.append(f"{where} declares {label} but the bytes are not {_nice(named)}")
            continue  # without a BOM and without NUL bytes it is an ASCII-based charset
        if named == "utf-8" and utf8.invalid:
            if not utf8.mostly:  # else the replacement below says it
                notes.append(f"{where} declares {label} but the bytes are not UTF-8")
            continue
        try:
            text = body.decode(named)
        except UnicodeDecodeError:
            notes.append(f"{where} declares {label} but the bytes do not fit it")
            continue
        if _utf8_overrules(named, utf8):
            notes.append(f"{where} declares {label} but the bytes are UTF-8")
            break
        return Decoded(text, named, 0, "; ".join(notes))
    if not utf8.invalid:
        return Decoded(utf8.text, "utf-8", 0, _join(notes, "read as UTF-8" if notes else ""))
    if utf8.mostly:
        replaced = f"read as UTF-8, {utf8.invalid} bytes not valid UTF-8 were replaced"
        return Decoded(utf8.text, "utf-8", utf8.invalid, _join(notes, replaced))
    detected = _detect(body)
    if detected is not None:
        text, codec = detected
        return Decoded(text, codec, 0, _join(notes, f"not UTF-8: read as {_nice(codec)}"))
    text, bad = _lenient(body, "cp1252")  # a few bytes are undefined in windows-1252
    return Decoded(
        text,
        "cp1252",
        bad,
        _join(
            notes,
            "charset unknown (not UTF-8, detection not confident): read as "
            f"windows-1252{f', {bad} bytes replaced' if bad else ''}",
        ),
    )


def decode_lines(body: bytes) -> Decoded:
    """Decode a line-oriented body (JSON Lines) one line at a time.

    A file that is UTF-8 (or has a BOM) is decoded at once, and so is one whose lines are
    mostly not UTF-8 and otherwise plain ASCII (one legacy charset). Otherwise each line that
    is not UTF-8 is decoded on its own by :func:`decode_body` rules (a file mixing UTF-8, GBK
    and windows-1252 lines reads right), and the warning names the lines.
    """
    if body.startswith(tuple(bom for bom, _ in _BOMS)):
        return decode_body(body)
    try:
        return Decoded(body.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    lines = body.split(b"\n")
    texts: list[str | None] = []
    for line in lines:
        try:
            texts.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
    failing = [number for number, text in enumerate(texts) if text is None]
    # Most lines not UTF-8 and the rest plain ASCII: one legacy charset for the whole file,
    # which detection reads better whole than line by line. A line that is UTF-8 with
    # non-ASCII characters says the file is mixed (a legacy text is hardly ever valid UTF-8
    # by chance): then every line keeps its own charset.
    only_ascii = all(text is None or text.isascii() for text in texts)
    if only_ascii and len(failing) * 2 > sum(1 for line in lines if line.strip()):
        whole = decode_body(body)
        if whole.encoding != "utf-8":
            return whole
    odd: list[str] = []
    replaced = 0
    for number in failing:
        decoded = decode_body(lines[number])
        texts[number] = decoded.text
        replaced += decoded.replaced
        how = (
            f"UTF-8 with {decoded.replaced} bytes replaced"
            if decoded.encoding == "utf-8"
            else _nice(decoded.encoding)
        )
        odd.append(f"line {number + 1} ({how})")
    shown = ", ".join(odd[:5]) + (f" and {len(odd) - 5} more" if len(odd) > 5 else "")
    warning = f"{len(odd)} lines not UTF-8, decoded one by one: {shown}"
    return Decoded("\n".join(text or "" for text in texts), "utf-8", replaced, warning)
