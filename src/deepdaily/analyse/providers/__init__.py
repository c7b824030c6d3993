"""LLM providers behind one seam, composed by wrapping.

``base.Provider`` is the seam (one request in, one response out). Endpoints:
:class:`OpenAICompatProvider` (OpenAI and every OpenAI-compatible service, by :mod:`.presets`)
and :class:`AnthropicProvider`. Wrappers: :class:`FallbackProvider` (order, retries, re-asks,
per-request timeouts, circuit breaker) and :class:`CachingProvider` (answers remembered in the
store). A caller's :class:`AnswerCheck` (:mod:`.usable`) makes an unusable answer a failure of
the provider that gave it. :func:`build_chain` assembles them from the ``[[llm]]`` settings;
:class:`CallLog`, :class:`Budget` and :class:`Deadline` account for every attempt, its cost
and the run's time; :func:`check_providers` backs ``deepdaily llm check``.

The SDKs (the ``llm`` extra) are imported only when an endpoint is built, so this package
imports without them. The scripted test server is :mod:`deepdaily.testing.llm_server`, never a
provider.
"""

from __future__ import annotations

from deepdaily.analyse.providers.anthropic_provider import AnthropicProvider
from deepdaily.analyse.providers.base import (
    AllProvidersFailed,
    BudgetExhausted,
    ChatMessage,
    ChatRequest,
    ChatResponse,
    DeadlineExceeded,
    Provider,
    ProviderAuthError,
    ProviderBadOutput,
    ProviderError,
    ProviderGone,
    ProviderRateLimited,
    ProviderUnavailable,
    Usage,
)
from deepdaily.analyse.providers.budget import BUILTIN_PRICES, Budget, Price, PriceTable, Remaining
from deepdaily.analyse.providers.cache import CachingProvider, ResponseCache, cache_key
from deepdaily.analyse.providers.calllog import CallLog, CallRecord
from deepdaily.analyse.providers.chain import KEYS_FILE, build_chain, build_provider
from deepdaily.analyse.providers.check import CheckResult, check_providers
from deepdaily.analyse.providers.deadline import Deadline
from deepdaily.analyse.providers.fallback import FallbackProvider
from deepdaily.analyse.providers.openai_compat import OpenAICompatProvider
from deepdaily.analyse.providers.presets import PRESETS, Endpoint, Preset, resolve
from deepdaily.analyse.providers.usable import AnswerCheck

__all__ = [
    "BUILTIN_PRICES",
    "KEYS_FILE",
    "PRESETS",
    "AllProvidersFailed",
    "AnswerCheck",
    "AnthropicProvider",
    "Budget",
    "BudgetExhausted",
    "CachingProvider",
    "CallLog",
    "CallRecord",
    "ChatMessage",
    "ChatRequest",
    "ChatResponse",
    "CheckResult",
    "Deadline",
    "DeadlineExceeded",
    "Endpoint",
    "FallbackProvider",
    "OpenAICompatProvider",
    "Preset",
    "Price",
    "PriceTable",
    "Provider",
    "ProviderAuthError",
    "ProviderBadOutput",
    "ProviderError",
    "ProviderGone",
    "ProviderRateLimited",
    "ProviderUnavailable",
    "Remaining",
    "ResponseCache",
    "Usage",
    "build_chain",
    "build_provider",
    "cache_key",
    "check_providers",
    "resolve",
]
