"""Test doubles that users need too: real HTTP servers on loopback (fixtures, a scripted LLM)."""

from __future__ import annotations

from deepdaily.testing.llm_server import ScriptedLLMServer
from deepdaily.testing.server import FixtureServer, Request, Response

__all__ = ["FixtureServer", "Request", "Response", "ScriptedLLMServer"]
