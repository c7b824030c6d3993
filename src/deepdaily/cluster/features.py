"""What the clustering and ranking stages read from a document, computed once.

``terms`` feed the TF-IDF space (title words count twice, since a headline names the story;
entity keys are added as ``e:`` features so "GPT-5.3-Codex-Spark" and "GPT-5.3-Codex" stay
apart even though they share words). ``shingles`` feed MinHash, ``fingerprint`` the
exact-duplicate hash, ``title_terms`` and ``entities`` the candidate index.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import numpy as np

from deepdaily.cluster.text import (
    Entity,
    clear_memos,
    entities,
    shingles,
    title_genres,
    tokens,
    words_of,
)
from deepdaily.models import Document, content_id

__all__ = [
    "DocFeatures",
    "doc_features",
    "doc_shingles",
    "document_text",
    "release_memos",
    "specific_links",
]

TITLE_WEIGHT = 2  # title terms are repeated this many times in the TF-IDF vector
MIN_FINGERPRINT_CHARS = 40  # shorter texts are too generic to call two documents identical
MAX_BODY_CHARS = 5000  # similarity reads the head of a long article, not all of it
ENTITY_CHARS = 1500  # the names of a story are in its first paragraphs
_NO_SHINGLES = np.empty(0, dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class DocFeatures:
    terms: list[str]
    title_terms: tuple[str, ...]  # distinct, in title order (a tuple: a set costs 5x more)
    entities: frozenset[Entity]
    shingles: np.ndarray  # sorted unique shingle hashes (uint32)
    fingerprint: str  # hash of the normalised text; "" when too short to identify a document
    links: frozenset[str]
    source: str
    announcement: bool = False  # the title declares a job ad, event or roundup (title_genres)


def document_text(doc: Document) -> str:
    """The body used for similarity: text, else summary."""
    return doc.text or doc.summary


def _link_key(url: str) -> str:
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}"


def specific_links(doc: Document) -> frozenset[str]:
    """Outbound links to specific pages of other sites, plus the document's own URL.

    Homepages and same-site links (navigation) say nothing about the story, so they are
    dropped; two documents linking the same article, or one linking the other, share a key.
    """
    own = _link_key(doc.canonical_url or doc.url)
    own_host = own.split("/", 1)[0]
    keys = {own} if "/" in own else set()
    for link in doc.links:
        key = _link_key(link)
        host, _, path = key.partition("/")
        if path and host != own_host:
            keys.add(key)
    return frozenset(keys)


# One object per distinct entity and entity term, shared by every document that holds it: a
# large batch repeats the same names and figures in thousands of documents, and a tuple and
# its strings per mention would cost more than the rest of a document's features.
_ENTITIES: dict[Entity, Entity] = {}
_ENTITY_TERMS: dict[str, str] = {}
# The tables stop growing here: later entities are equal, only not shared (text.py measures).
_MEMO_LIMIT = 20_000


def _shared_entity(entity: Entity) -> Entity:
    shared = _ENTITIES.get(entity)
    if shared is None:
        shared = entity
        if len(_ENTITIES) < _MEMO_LIMIT:
            _ENTITIES[entity] = entity
    return shared


def _entity_term(entity: Entity) -> str:
    term = _ENTITY_TERMS.get(entity.key)
    if term is None:
        term = f"e:{entity.key}"
        if len(_ENTITY_TERMS) < _MEMO_LIMIT:
            _ENTITY_TERMS[entity.key] = term
    return term


def release_memos() -> None:
    """Empty the memo tables of feature extraction (shared entities and entity terms, and
    the tokeniser's, :func:`~deepdaily.cluster.text.clear_memos`).

    Features already made keep their shared objects; later ones start new tables. The
    clustering calls this once its feature pass is done: after it the tables serve nothing,
    and at 100k documents they hold some 100 MB that the rest of the stage can reuse.
    """
    _ENTITIES.clear()
    _ENTITY_TERMS.clear()
    clear_memos()


def doc_shingles(doc: Document) -> np.ndarray:
    """The near-duplicate shingles of a document (title and head of the body)."""
    return shingles(tokens(doc.title) + tokens(document_text(doc)[:MAX_BODY_CHARS]))


def doc_features(doc: Document, *, with_shingles: bool = True) -> DocFeatures:
    """Everything the stages read from ``doc``; ``with_shingles=False`` leaves ``shingles``
    empty, for when the near-duplicate stage computes them elsewhere."""
    body = document_text(doc)[:MAX_BODY_CHARS]
    title_tokens, body_tokens = tokens(doc.title), tokens(body)
    title_words = words_of(title_tokens)
    ents = frozenset(map(_shared_entity, entities(f"{doc.title}.\n{body[:ENTITY_CHARS]}")))
    # Entity terms sorted: a frozenset's order follows the string hashes, which change from
    # one process to the next, and the order of terms decides how cosines are added up.
    entity_terms = [_entity_term(e) for e in sorted(ents)]
    terms = title_words * TITLE_WEIGHT + words_of(body_tokens) + entity_terms
    text_print = " ".join(body_tokens)
    return DocFeatures(
        terms=terms,
        title_terms=tuple(dict.fromkeys(title_words)),
        entities=ents,
        shingles=shingles(title_tokens + body_tokens) if with_shingles else _NO_SHINGLES,
        fingerprint=content_id("text", text_print)
        if len(text_print) >= MIN_FINGERPRINT_CHARS
        else "",
        links=specific_links(doc),
        source=doc.outlet.strip().lower(),
        announcement=bool(title_genres(doc.title)),
    )
