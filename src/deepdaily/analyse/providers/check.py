"""``deepdaily llm check``: call each configured provider once and say how it went.

Every ``[[llm]]`` entry is asked, concurrently and without the cache, retries or fallback, for a
tiny JSON answer (``{"ok": true}``) in the same JSON mode the analyser uses, so a wrong key, a
retired model, an unreachable server or an endpoint that rejects the JSON mode shows up here
rather than in the middle of a run. Each result has the outcome, a one-line error, the latency
and the model; the CLI prints :meth:`CheckResult.line` for each.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deepdaily.analyse.providers.base import ChatMessage, ChatRequest, ProviderError
from deepdaily.analyse.providers.chain import build_provider, endpoints, read_keys_file
from deepdaily.analyse.providers.presets import Endpoint
from deepdaily.config import Settings

__all__ = ["CheckResult", "check_providers"]

_SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
_REQUEST = ChatRequest(
    messages=[
        ChatMessage(role="system", content="You are a health check. Answer in JSON."),
        ChatMessage(role="user", content='Reply with exactly this JSON object: {"ok": true}'),
    ],
    json_schema=_SCHEMA,
    schema_name="health_check",
    max_tokens=200,
    temperature=0.0,
    purpose="llm-check",
)


@dataclass(frozen=True)
class CheckResult:
    index: int
    name: str
    model: str
    base_url: str
    ok: bool
    error: str = ""  # one line, without the entry's label
    latency_ms: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    skipped: bool = False  # not called: disabled, no key, unknown preset...

    @property
    def label(self) -> str:
        return f"llm[{self.index}] {self.name} ({self.model})"

    def line(self) -> str:
        """One line for the terminal."""
        if self.ok:
            return f"ok    {self.label}  {self.latency_ms} ms  {self.base_url}"
        word = "skip" if self.skipped else "FAIL"
        return f"{word}  {self.label}  {self.error}"


async def check_providers(
    settings: Settings,
    environ: Mapping[str, str] = os.environ,
    *,
    keys_file: Path | None = None,
    http_client: Any = None,
) -> list[CheckResult]:
    """Call every configured provider once; results are in ``[[llm]]`` order."""
    found, _notes = endpoints(settings)
    keys, _key_notes = read_keys_file(keys_file)
    by_index = {e.index: e for e in found}
    tasks = [_check(e, environ, keys, http_client) for e in found]
    results = {r.index: r for r in await asyncio.gather(*tasks)}
    out: list[CheckResult] = []
    for index, spec in enumerate(settings.llm):
        if index in results:
            out.append(results[index])
        elif index not in by_index:
            why = "disabled in the configuration" if not spec.enabled else "unknown preset"
            out.append(
                CheckResult(
                    index=index,
                    name=spec.name or spec.preset or spec.kind,
                    model=spec.model,
                    base_url=spec.base_url,
                    ok=False,
                    error=why,
                    skipped=True,
                )
            )
    return out


async def _check(
    endpoint: Endpoint,
    environ: Mapping[str, str],
    keys: Mapping[str, str],
    http_client: Any,
) -> CheckResult:
    provider, why = build_provider(endpoint, environ=environ, keys=keys, http_client=http_client)
    if provider is None:
        return _result(endpoint, ok=False, error=_strip(why, endpoint), skipped=True)
    started = time.perf_counter()
    try:
        response = await provider.complete(_REQUEST)
        answer = json.loads(response.text)
        ok = isinstance(answer, dict) and answer.get("ok") is True
        error = "" if ok else f"unexpected answer: {response.text[:80]}"
        usage = response.usage
    except ProviderError as exc:
        ok, error, usage = False, _strip(str(exc), endpoint), None
    except json.JSONDecodeError:  # providers return JSON text when asked; belt and braces
        ok, error, usage = False, "the answer is not JSON", None
    finally:
        elapsed = int((time.perf_counter() - started) * 1000)
        closer = getattr(provider, "aclose", None)
        if closer is not None:
            await closer()
    return _result(
        endpoint,
        ok=ok,
        error=error,
        latency_ms=elapsed,
        input_tokens=usage.input_tokens if usage else 0,
        output_tokens=usage.output_tokens if usage else 0,
    )


def _result(endpoint: Endpoint, **outcome: Any) -> CheckResult:
    return CheckResult(
        index=endpoint.index,
        name=endpoint.name,
        model=endpoint.model,
        base_url=endpoint.base_url,
        **outcome,
    )


def _strip(message: str, endpoint: Endpoint) -> str:
    return message.removeprefix(f"{endpoint.label}: ")
