"""Test doubles that users need too: a real HTTP server on loopback serving fixtures."""

from __future__ import annotations

from deepdaily.testing.server import FixtureServer, Request, Response

__all__ = ["FixtureServer", "Request", "Response"]
