"""Renderers: a digest as a Hugo Markdown post and as JSON.

``render_markdown`` uses the Jinja2 templates in ``render/templates/`` (overridable with a
``template_dir``); ``render_json`` writes the documented, versioned JSON whose schema is
``digest_json_schema()``; ``post_filename`` places the post under the Hugo site.
"""

from __future__ import annotations

from deepdaily.render.jsonout import (
    SCHEMA_VERSION,
    digest_json_schema,
    render_json,
    write_json_schema,
)
from deepdaily.render.markdown import post_filename, render_markdown

__all__ = [
    "SCHEMA_VERSION",
    "digest_json_schema",
    "post_filename",
    "render_json",
    "render_markdown",
    "write_json_schema",
]
