"""``deepdaily site init DIR``: a Hugo site that shows the digests without a theme.

The site's ``baseURL``, title, language and description come from the settings (``[publish]
base_url``, the profile's title and tagline); see :mod:`deepdaily.publish.site`. A directory
holding anything is refused unless ``--force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from deepdaily.cli.app import CONTEXT, app, console, state

__all__ = ["site_app"]

site_app = typer.Typer(
    help="The Hugo site digests are published into.",
    context_settings=CONTEXT,
    no_args_is_help=True,
)
app.add_typer(site_app, name="site")


@site_app.command("init")
def init(
    directory: Annotated[Path, typer.Argument(help="Where to write the site (new or empty).")],
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a directory that is not empty (the site's own "
            "files are overwritten, nothing else is touched).",
        ),
    ] = False,
) -> None:
    """Write a minimal Hugo site (config, layouts, stylesheet) that renders the digests."""
    from deepdaily.publish import init_site
    from deepdaily.publish.publisher import site_title

    settings = state.settings()
    profile = settings.profile
    made = init_site(
        directory,
        base_url=settings.publish.base_url,
        title=site_title(settings),
        language=profile.language,
        description=profile.tagline_text,
        force=force,
    )
    out = console()
    for path in made.files:
        out.print(f"wrote {path}", markup=False, soft_wrap=True, highlight=False)
    where = directory.resolve()
    out.print(
        "\nset in your settings file (deepdaily.toml):\n\n"
        f'[publish]\nsite_dir = "{where.as_posix()}"\n'
        f'base_url = "{settings.publish.base_url}"  # where the site will be served\n\n'
        "then: deepdaily publish --build  (or `hugo server` in the site to preview)",
        markup=False,
        soft_wrap=True,
        highlight=False,
    )
