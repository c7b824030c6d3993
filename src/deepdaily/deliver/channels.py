"""Imports every channel module, so each registers its type in
:data:`~deepdaily.deliver.base.CHANNELS`."""

from __future__ import annotations

from deepdaily.deliver import (  # noqa: F401  (registration)
    dingtalk,
    discord,
    email,
    feishu,
    slack,
    telegram,
    webhook,
    wecom,
)
from deepdaily.deliver.base import CHANNELS

__all__ = ["CHANNELS"]
