"""Lookups: the unit codes, categories and usernames the other endpoints take, so a client can
offer choices instead of asking a person to type codes."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tousu.cases.errors import Refused
from tousu.org.models import Membership, Unit
from tousu.org.selectors import is_staff_member
from tousu.org.services import current_policy

from ..lookups import unit_by_code
from ..schemas import ErrorOut, StorableIn

router = Router(tags=["lookups"])
ERRORS = frozenset({401, 403, 422})
PEOPLE_LIMIT = 50


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None = Field(description="The parent unit's code; null for a top unit.")
    depth: int = Field(description="0 for a top unit, 1 below it, and so on.")


class CategoryOut(Schema):
    kind: str
    code: str
    label: str
    parent: str = Field(description="The parent category's code, empty at the first level.")
    depth: int


class PersonOut(Schema):
    username: str
    name: str
    units: list[str] = Field(description="Codes of the units the person belongs to.")
    roles: list[str]


class PeopleQuery(StorableIn):
    q: str | None = Field(None, max_length=100, description="Part of the username or name.")
    unit: str | None = Field(None, description="Only members of this unit (by code) or of a unit below it.")


def _staff(user) -> None:
    if not is_staff_member(user):
        raise Refused(_("Only the organisation's staff may read this."))


@router.get("/units", response={200: list[UnitOut], ERRORS: ErrorOut}, operation_id="list_units",
            summary="The units, in tree order (codes for `unit` and `target_unit`)")
def list_units(request):
    _staff(request.auth)
    units = list(Unit.objects.select_related("parent").order_by("path"))
    return [UnitOut(code=u.code, name=u.name, kind=u.kind, parent=u.parent.code if u.parent else None,
                    depth=u.path.strip("/").count("/")) for u in units]


@router.get("/categories", response={200: list[CategoryOut], ERRORS: ErrorOut},
            operation_id="list_categories", summary="The categories of each kind of case")
def list_categories(request):
    _staff(request.auth)
    policy = current_policy()
    return [CategoryOut(kind=kind.code, code=c.code, label=c.label, parent=c.parent, depth=c.depth)
            for kind in policy.kinds.values() for c in kind.categories.values()]


@router.get("/people", response={200: list[PersonOut], ERRORS: ErrorOut}, operation_id="list_people",
            summary=f"Active members of the units (usernames for person inputs), at most {PEOPLE_LIMIT}")
def list_people(request, query: Query[PeopleQuery]):
    _staff(request.auth)
    members = Membership.objects.filter(user__is_active=True)
    if query.unit:
        members = members.filter(unit__path__startswith=unit_by_code(query.unit, "unit").path)
    if query.q:
        text = query.q.strip()
        members = members.filter(Q(user__username__icontains=text) | Q(user__first_name__icontains=text)
                                 | Q(user__last_name__icontains=text))
    people = (get_user_model().objects.filter(pk__in=members.values("user_id")).order_by("username")
              .prefetch_related("memberships__unit", "memberships__role")[:PEOPLE_LIMIT])
    return [PersonOut(username=p.username, name=p.get_full_name() or p.username,
                      units=sorted({m.unit.code for m in p.memberships.all()}),
                      roles=sorted({m.role.code for m in p.memberships.all()})) for p in people]
