"""Known LLM services, by name, and how an ``[[llm]]`` entry resolves against them.

A preset gives an entry its wire protocol, base URL, the environment variable holding the key
and whether the endpoint enforces a JSON schema (``response_format`` ``json_schema``) or only
JSON mode (``json_object``)::

    [[llm]]
    preset = "deepseek"          # base_url and api_key_env come from the preset
    model = "deepseek-chat"

An entry's own ``base_url``, ``api_key_env`` and ``json_schema`` (when set explicitly) win over
the preset. An entry without a preset is the ``anthropic`` preset when ``kind = "anthropic"``,
the ``openai`` preset when it has no ``base_url``, and otherwise a bare OpenAI-compatible
endpoint that needs a key only when ``api_key_env`` is set. Capabilities are as documented by
each service when this was written; set ``json_schema = false`` for a model that rejects it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from deepdaily.config import LLMSpec

__all__ = ["PRESETS", "Endpoint", "Preset", "UnknownPreset", "preset_names", "resolve"]

Kind = Literal["openai", "anthropic"]


@dataclass(frozen=True)
class Preset:
    name: str
    kind: Kind
    base_url: str
    api_key_env: str = ""  # "" = the endpoint takes no key
    key_required: bool = True
    json_schema: bool = True  # False: JSON mode (json_object) only
    max_tokens_field: str = "max_tokens"  # OpenAI's newer models want max_completion_tokens


_PRESETS = [
    Preset(
        "openai",
        "openai",
        "https://api.openai.com/v1",
        "OPENAI_API_KEY",
        max_tokens_field="max_completion_tokens",
    ),
    Preset(
        "deepseek", "openai", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY", json_schema=False
    ),
    Preset(
        "qwen", "openai", "https://dashscope.aliyuncs.com/compatible-mode/v1", "DASHSCOPE_API_KEY"
    ),
    Preset(
        "moonshot", "openai", "https://api.moonshot.cn/v1", "MOONSHOT_API_KEY", json_schema=False
    ),
    Preset(
        "zhipu",
        "openai",
        "https://open.bigmodel.cn/api/paas/v4",
        "ZHIPUAI_API_KEY",
        json_schema=False,
    ),
    Preset("openrouter", "openai", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY"),
    Preset("ollama", "openai", "http://localhost:11434/v1", key_required=False),
    Preset("vllm", "openai", "http://localhost:8000/v1", "VLLM_API_KEY", key_required=False),
    Preset("lmstudio", "openai", "http://localhost:1234/v1", key_required=False),
    Preset("llamacpp", "openai", "http://localhost:8080/v1", key_required=False),
    Preset("anthropic", "anthropic", "https://api.anthropic.com", "ANTHROPIC_API_KEY"),
]
_ALIASES = {
    "dashscope": "qwen",
    "kimi": "moonshot",
    "glm": "zhipu",
    "claude": "anthropic",
    "llama.cpp": "llamacpp",
    "lm-studio": "lmstudio",
}

PRESETS: dict[str, Preset] = {p.name: p for p in _PRESETS}
PRESETS.update({alias: PRESETS[target] for alias, target in _ALIASES.items()})


def preset_names() -> list[str]:
    return sorted(PRESETS)


class UnknownPreset(ValueError):
    pass


@dataclass(frozen=True)
class Endpoint:
    """An ``[[llm]]`` entry with its preset applied: everything needed to build a provider."""

    index: int
    name: str  # the entry's name, else its preset's, else its kind
    kind: Kind
    model: str
    base_url: str
    api_key_env: str
    key_required: bool
    json_schema: bool
    max_tokens_field: str
    spec: LLMSpec

    @property
    def label(self) -> str:
        """How messages name the entry: ``llm[0] openai (gpt-4o-mini)``."""
        return f"llm[{self.index}] {self.name} ({self.model})"


def resolve(spec: LLMSpec, index: int = 0) -> Endpoint:
    """Apply the preset to ``spec``; raises :class:`UnknownPreset` for an unknown name."""
    chosen = spec.preset.strip().lower()
    if chosen:
        if chosen not in PRESETS:
            raise UnknownPreset(
                f"llm[{index}]: unknown preset {spec.preset!r}; known: {', '.join(preset_names())}"
            )
        preset: Preset | None = PRESETS[chosen]
    elif spec.kind == "anthropic":
        preset = PRESETS["anthropic"]
    elif not spec.base_url:
        preset = PRESETS["openai"]
    else:
        preset = None
    explicit = spec.model_fields_set
    kind: Kind = spec.kind if (preset is None or "kind" in explicit) else preset.kind
    api_key_env = spec.api_key_env or (preset.api_key_env if preset else "")
    if preset is None:
        key_required = bool(spec.api_key_env)
    else:
        key_required = preset.key_required or (bool(spec.api_key_env) and not preset.api_key_env)
    json_schema = (
        spec.json_schema
        if (preset is None or "json_schema" in explicit)
        else (spec.json_schema and preset.json_schema)
    )
    return Endpoint(
        index=index,
        name=spec.name or (preset.name if preset else kind),
        kind=kind,
        model=spec.model,
        base_url=(spec.base_url or (preset.base_url if preset else "")).rstrip("/"),
        api_key_env=api_key_env,
        key_required=key_required,
        json_schema=json_schema,
        max_tokens_field=preset.max_tokens_field if preset else "max_tokens",
        spec=spec,
    )
