"""deepdaily's exception hierarchy.

Every error deepdaily raises on purpose derives from :class:`DeepdailyError` and carries a
one-line message that names the source or setting at fault and the problem::

    DeepdailyError
    ├── ConfigError            invalid settings: file, key and the expected form
    ├── UsageError             a command was called the wrong way (exit code 2)
    ├── SourceError            one source could not be collected; the run goes on
    │   ├── FetchError         transport-level failure
    │   │   ├── HTTPStatusError    4xx/5xx after retries
    │   │   ├── FetchTimeout       connect/read timeout
    │   │   ├── TooLarge           body over ``fetch.max_bytes``
    │   │   ├── TooManyRedirects   redirect loop or more than ``fetch.max_redirects``
    │   │   └── BlockedURL         scheme or address refused by the SSRF guard
    │   └── ParseError         body is not what the source type expects
    ├── StoreError             the database could not be opened or migrated
    ├── RunInProgress          another run of the same profile holds the store's run lock
    ├── NothingToPublish       every source failed, or no document fell in the window:
    │                          a broken day, not a quiet one; no digest is written
    ├── AnalysisError          an analysis engine failed for one event
    ├── PublishError           a digest could not be published: none stored, still a draft,
    │                          hugo or git missing or failing
    ├── DeliveryError          a delivery channel failed (its platform refused the message,
    │                          or the outcome of a send is unknown); the digest stays
    └── DistributedError       run --distributed: no broker, or a stage's tasks not done

The CLI maps them to exit codes: 0 ok, 1 failure, 2 usage error.
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "BlockedURL",
    "ConfigError",
    "DeepdailyError",
    "DeliveryError",
    "DistributedError",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "NothingToPublish",
    "ParseError",
    "PublishError",
    "RunInProgress",
    "SourceError",
    "StoreError",
    "TooLarge",
    "TooManyRedirects",
    "UsageError",
]


class DeepdailyError(Exception):
    """Base of every error deepdaily raises deliberately."""

    exit_code = 1


class ConfigError(DeepdailyError):
    """A setting is missing or has the wrong form."""

    exit_code = 2


class UsageError(DeepdailyError):
    """A command was invoked incorrectly."""

    exit_code = 2


class SourceError(DeepdailyError):
    """One source failed; recorded against it, never fatal to a run."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class FetchError(SourceError):
    """The transport failed."""


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url=url)
        self.status = status


class FetchTimeout(FetchError):
    pass


class TooLarge(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class BlockedURL(FetchError):
    pass


class ParseError(SourceError):
    """The body could not be parsed as the source's type."""


class StoreError(DeepdailyError):
    pass


class RunInProgress(DeepdailyError):
    """Another run of the same profile holds the store's run lock (exit code 1):
    ``profile`` is the profile, ``pid`` the holder's process id when known."""

    def __init__(self, message: str, *, profile: str = "", pid: int | None = None) -> None:
        super().__init__(message)
        self.profile = profile
        self.pid = pid


class NothingToPublish(DeepdailyError):
    """The run had nothing to build a digest from, so it wrote none (exit code 1).

    A day whose sources all failed, or with no document in its window, is a broken day: saying
    "nothing met the bar today" would be a lie. ``manifest`` is the run's manifest (a
    :class:`~deepdaily.pipeline.Manifest`), so a caller can still show what was tried.
    """

    def __init__(self, message: str, *, manifest: object = None) -> None:
        super().__init__(message)
        self.manifest = manifest


class AnalysisError(DeepdailyError):
    pass


class PublishError(DeepdailyError):
    """Publishing a stored digest failed (exit code 1): nothing stored for the day, a draft not
    yet approved, or ``hugo``/``git`` missing or failing. Files already written stay whole."""


class DeliveryError(DeepdailyError):
    """Delivering a published digest to a ``[[deliver]]`` channel failed (exit code 1).

    ``retry_after`` is the wait a platform asked for (429, ``Retry-After``), ``retryable``
    whether trying again may succeed (429, 5xx, a refused connection), ``unknown`` whether the
    message may have arrived all the same (the connection dropped after it was sent), so it
    must not be sent again on its own. The message never holds a secret.
    """

    def __init__(
        self,
        message: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
        unknown: bool = False,
        status: int = 0,
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.retry_after = retry_after
        self.unknown = unknown
        self.status = status


class DistributedError(DeepdailyError):
    """A distributed run cannot go on (exit code 1): the broker does not answer, a stage's
    tasks did not complete in ``[distributed] stage_timeout_s``, or a worker opened another
    store than the coordinator."""
