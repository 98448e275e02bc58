"""The one Jinja environment: templates from the installed `ecr_report.templates` package,
autoescaping on, undefined names are errors, and the formatting filters registered."""

from __future__ import annotations

from functools import lru_cache

import jinja2

from .filters import FILTERS
from .i18n import t

TEMPLATE_PACKAGE = "ecr_report.templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        # package_path "." : the templates sit at the package's root (templates/ in the repo),
        # installed as package data, so this works from a wheel as well as an editable install.
        loader=jinja2.PackageLoader(TEMPLATE_PACKAGE, "."),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.filters["t"] = t  # {{ "Contents" | t(meta.lang) }}: English unchanged
    return env


def read_static(name: str) -> str:
    """A non-template file shipped with the templates (the stylesheet), as text."""
    env = environment()
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source
