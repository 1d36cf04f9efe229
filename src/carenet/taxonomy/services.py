"""Writes to the code lists that people make (the loaders write the shipped files)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from carenet.core import audit
from carenet.core.models import AuditAction
from carenet.taxonomy.models import Scheme, Term

if TYPE_CHECKING:
    from carenet.accounts.models import User

COPIED_FIELDS = (
    "code", "label_en", "label_uk", "label_pl", "description_en", "attributes", "source_url",
    "verified", "sort_order", "is_active",
)  # fmt: skip


@transaction.atomic
def scheme_make_current(*, actor: User | None, scheme: Scheme) -> Scheme:
    """Make `scheme` the current version of its code; every other version stops being current."""
    others = Scheme.objects.filter(code=scheme.code, is_current=True).exclude(pk=scheme.pk)
    for other in others:
        audit.record(AuditAction.UPDATE, actor=actor, obj=other, changes=["is_current"])
    others.update(is_current=False)
    if not scheme.is_current:
        scheme.is_current = True
        scheme.save(update_fields=["is_current"])
        audit.record(AuditAction.UPDATE, actor=actor, obj=scheme, changes=["is_current"])
    return scheme


@transaction.atomic
def scheme_new_version(
    *, actor: User | None, scheme: Scheme, version: str, make_current: bool = False
) -> Scheme:
    """Copy `scheme` and all its terms (with their parents) as `version`, to edit from there.

    The copy is not current unless `make_current`; reports keep pointing at the old terms.
    """
    version = version.strip()
    if not version:
        raise ValidationError(_("Give the new version a name."), code="version")
    if Scheme.objects.filter(code=scheme.code, version=version).exists():
        raise ValidationError(
            _("%(scheme)s already has a version %(version)s.")
            % {"scheme": scheme.code, "version": version},
            code="duplicate",
        )
    copy = Scheme.objects.create(
        code=scheme.code, version=version, name_en=scheme.name_en, name_uk=scheme.name_uk,
        name_pl=scheme.name_pl, source_url=scheme.source_url, is_current=False,
    )  # fmt: skip
    old = list(scheme.terms.select_related("parent"))
    Term.objects.bulk_create(
        [Term(scheme=copy, **{f: getattr(t, f) for f in COPIED_FIELDS}) for t in old]
    )
    new = {t.code: t for t in copy.terms.all()}
    children = [t for t in old if t.parent is not None]
    for t in children:
        new[t.code].parent = new[t.parent.code]  # type: ignore[union-attr]
    Term.objects.bulk_update([new[t.code] for t in children], ["parent"])
    audit.record(AuditAction.CREATE, actor=actor, obj=copy, detail=f"copy of {scheme}")
    if make_current:
        scheme_make_current(actor=actor, scheme=copy)
    return copy
