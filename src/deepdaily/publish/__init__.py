"""Publishing: a stored digest becomes a Hugo post, RSS and Atom feeds, an HTML page and JSON.

- :func:`publish_digest` (:mod:`.publisher`): the contract the CLI (``deepdaily publish``), the
  run (unless ``--review``) and the review UI's "approve and publish" call;
- :func:`init_site` (:mod:`.site`): ``deepdaily site init DIR``, a Hugo site with its own
  layouts and stylesheet, no theme;
- :mod:`.feeds`, :mod:`.html`: the feeds and the standalone page; :mod:`.tools`: ``hugo`` and
  ``git``.

Governed by ``[publish]`` (:mod:`deepdaily.config.publish`): ``site_dir``, ``base_url``,
``feed_items``, ``build``, ``commit``, ``hugo``; and by ``output_dir`` and ``post_path``.
"""

from __future__ import annotations

from deepdaily.publish.publisher import (
    PublishResult,
    PublishTargets,
    publish_digest,
    targets_for,
    write_post,
)
from deepdaily.publish.site import SiteInit, init_site

__all__ = [
    "PublishResult",
    "PublishTargets",
    "SiteInit",
    "init_site",
    "publish_digest",
    "targets_for",
    "write_post",
]
