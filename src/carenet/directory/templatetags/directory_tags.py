"""Template filters of the directory pages."""

from __future__ import annotations

from django import template

from carenet.directory import presentation
from carenet.directory.models import Site

register = template.Library()


@register.filter
def site_address(site: Site) -> str:
    """The site's address line in the reader's script (see `presentation.site_address`)."""
    return presentation.site_address(site)
