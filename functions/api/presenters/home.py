"""The API's home: what it offers, with links."""

from __future__ import annotations

from api import paths
from api.links import LinkBuilder
from api.models.service import HomeLinks, HomeOut
from api.openapi import DESCRIPTION
from api.problem_types import PROBLEM_TYPES


def search_template(links: LinkBuilder) -> str:
    """The search link: a search needs words, so it is a template (RFC 6570) for the client to fill in."""
    href = links.search()
    return href + ("{&q,aspect,tag}" if "?" in href else "{?q,aspect,tag}")


def home_out(links: LinkBuilder, name: str, version: str, *, docs: bool) -> HomeOut:
    return HomeOut(
        name=name,
        version=version,
        description=DESCRIPTION,
        problem_types=[links.to(paths.PROBLEM_TYPE, name=slug) for slug in PROBLEM_TYPES],
        links=HomeLinks(
            self=links.to(paths.HOME),
            articles=links.articles(),
            causes=links.causes(),
            cause_facets=links.cause_facets(),
            changes=links.changes(),
            search=search_template(links),
            embed_script=links.asset(paths.EMBED_SCRIPT),
            openapi=links.asset(paths.OPENAPI),
            docs=links.asset(paths.DOCS) if docs else None,
            health=links.asset(paths.HEALTH),
        ),
    )
