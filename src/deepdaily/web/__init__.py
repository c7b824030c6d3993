"""The review UI of ``deepdaily serve``: look at a day's draft, change it, publish it.

Needs the ``web`` extra (``pip install 'deepdaily[web]'``: starlette, uvicorn,
python-multipart). :func:`deepdaily.web.app.create_app` builds the app; the changes and the
re-render after each are :mod:`deepdaily.web.review`; who may connect and the CSRF rule are
:mod:`deepdaily.web.security`. Nothing here is imported by the CLI at start-up.
"""

from __future__ import annotations
