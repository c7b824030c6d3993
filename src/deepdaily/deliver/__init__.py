"""Delivery of published digests to email and team chat (``deepdaily deliver``).

:func:`deliver_digest` sends the published digest of a day to every ``[[deliver]]`` channel
(:mod:`deepdaily.config.deliver`), once per channel, recorded in the deliveries table
(:mod:`deepdaily.deliver.record`). Each channel type has its own module producing its
platform's message format: :mod:`~deepdaily.deliver.email` (SMTP), :mod:`~deepdaily.deliver.slack`,
:mod:`~deepdaily.deliver.feishu`, :mod:`~deepdaily.deliver.dingtalk`,
:mod:`~deepdaily.deliver.wecom`, :mod:`~deepdaily.deliver.telegram`,
:mod:`~deepdaily.deliver.discord` and :mod:`~deepdaily.deliver.webhook` (generic JSON).
"""

from __future__ import annotations

from deepdaily.deliver.send import DeliveryOutcome, deliver_digest, deliver_digest_async

__all__ = ["DeliveryOutcome", "deliver_digest", "deliver_digest_async"]
