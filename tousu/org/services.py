"""Reading the organisation's policy and calendar, and setting an organisation up from a preset."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tousu.domain.calendar import WorkCalendar
from tousu.domain.policy import Policy, PolicyError, RoleSpec, parse_policy
from tousu.domain.preset import read_with_origins

from .models import Holiday, HolidayYear, Membership, Organisation, PolicyVersion, Role, Unit


class NotInitialised(RuntimeError):
    pass


@dataclass(frozen=True)
class Configuration:
    organisation: Organisation
    policy: Policy
    calendar: WorkCalendar
    tz: ZoneInfo
    version: int = 0  # the PolicyVersion in force (0 before versions were kept)


_cache: dict[str, Configuration] = {}
# Within one web request the configuration is read once (ConfigurationPerRequest middleware);
# outside a request (worker, commands) every call checks the token.
_request_memo: ContextVar[dict | None] = ContextVar("tousu_configuration", default=None)


class ConfigurationPerRequest:
    """Middleware: one configuration check per request instead of one per call."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)


def forget_configuration() -> None:
    """The configuration changed in this process: read it again on the next call."""
    memo = _request_memo.get()
    if memo is not None:
        memo.clear()


@contextmanager
def configuration_held():
    """Outside a web request, read the configuration (and each person's memberships) once for
    a stretch of work, as a request does: a batch of imported rows."""
    token = _request_memo.set({})
    try:
        yield
    finally:
        _request_memo.reset(token)


def request_memo() -> dict | None:
    """What this web request has already read (None outside a request): the configuration, and
    for the selectors, each person's memberships. Emptied by `forget_configuration()`."""
    return _request_memo.get()


def configuration() -> Configuration:
    """The organisation, its parsed policy (with each role's authority as edited in the admin),
    its working calendar and time zone. One small query per call (per request in the web);
    the rest is parsed again only when `Organisation.config_token` changes (the policy, a role
    or a holiday was edited)."""
    memo = _request_memo.get()
    if memo and "configuration" in memo:
        return memo["configuration"]
    found = _current()
    if memo is not None:
        memo["configuration"] = found
    return found


def _current() -> Configuration:
    row = Organisation.objects.order_by("pk").values_list("pk", "config_token").first()
    if row is None:
        raise NotInitialised(_("No organisation yet: run `tousu init --preset hotel` (or bank, telecom)."))
    pk, token = row
    found = _cache.get(token) if token else None
    if found is None:
        found = _load(Organisation.objects.get(pk=pk))
        _cache.clear()
        if token:
            _cache[token] = found
    return found


def _load(org: Organisation) -> Configuration:
    policy = parse_policy(org.policy)
    for role in Role.objects.all():
        policy.roles[role.code] = RoleSpec(
            code=role.code,
            name=role.name,
            max_compensation=role.max_compensation,
            sign_off=role.can_sign_off,
            close=role.can_close,
            personal_data=role.sees_personal_data,
            all_units=role.sees_all_units,
        )
    calendar = WorkCalendar(overrides=dict(Holiday.objects.values_list("date", "is_workday")),
                            loaded_years=HolidayYear.objects.values_list("year", flat=True))
    version = PolicyVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0
    return Configuration(organisation=org, policy=policy, calendar=calendar, tz=ZoneInfo(org.timezone),
                         version=version)


def organisation() -> Organisation:
    return configuration().organisation


def current_policy() -> Policy:
    return configuration().policy


def org_timezone() -> ZoneInfo:
    return configuration().tz


def work_calendar() -> WorkCalendar:
    return configuration().calendar


def policy_version() -> int:
    return configuration().version


def approval_problem(in_force: dict | None, approved_by: str, approved_on) -> str:
    """Why a change of the policy `in_force` may not take effect yet ("" when it may): where it
    names an `[policy_changes] approver_role`, a person holding that role must have approved it,
    on a day given (not in the future)."""
    role = ((in_force or {}).get("policy_changes") or {}).get("approver_role")
    if not role:
        return ""
    name = ((in_force or {}).get("roles") or {}).get(role, {}).get("name", role)
    if not approved_by or not Membership.objects.filter(
            user__username=approved_by, role__code=role, user__is_active=True).exists():
        return _("A change of the policy takes effect only once %(role)s approves it: name the %(role)s "
                 "who approved it (user name).") % {"role": name}
    if approved_on is None or approved_on > timezone.localdate():
        return _("Give the day %(role)s approved the change (not in the future).") % {"role": name}
    return ""


def record_version(doc: dict, *, changed_by: str = "", note: str = "", approved_by: str = "",
                   approved_on=None) -> PolicyVersion | None:
    """A new PolicyVersion when `doc` differs from the policy in force (None when it does not).
    Refused (PolicyError) when the policy in force asks for an approval not given."""
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    if latest is not None and latest.policy == doc:
        return None
    problem = approval_problem(latest.policy if latest else None, approved_by, approved_on)
    if problem:
        raise PolicyError(problem)
    return PolicyVersion.objects.create(number=(latest.number if latest else 0) + 1,
                                        preset=str(doc.get("preset", ""))[:50], policy=doc,
                                        changed_by=changed_by[:150], note=note[:300],
                                        approved_by=approved_by[:150] if latest else "",
                                        approved_on=approved_on if latest else None)


@transaction.atomic
def apply_preset(name: str, *, changed_by: str = "", note: str = "", approved_by: str = "",
                 approved_on=None) -> Organisation:
    """Load a preset: the policy, its roles and its units. Running it again updates them; a
    policy that differs from the one in force becomes a new PolicyVersion."""
    doc, origins = read_with_origins(name)
    parse_policy(doc, origins)  # refuse a broken preset before writing anything
    record_version(doc, changed_by=changed_by, note=note, approved_by=approved_by, approved_on=approved_on)
    info = doc.get("organisation", {})
    org = Organisation.objects.order_by("pk").first() or Organisation()
    org.name = info.get("name", name)
    org.preset = str(doc.get("preset", name))[:50]  # the file's name, not a path
    org.timezone = info.get("timezone", "Asia/Shanghai")
    org.hotline = info.get("hotline", "")
    org.policy = doc
    org.save()
    for code, spec in doc.get("roles", {}).items():
        Role.objects.update_or_create(code=code, defaults={
            "name": spec.get("name", code),
            "max_compensation": Decimal(str(spec.get("max_compensation", 0))),
            "can_sign_off": bool(spec.get("sign_off", False)),
            "can_close": bool(spec.get("close", False)),
            "sees_personal_data": bool(spec.get("personal_data", False)),
            "sees_all_units": bool(spec.get("all_units", False)),
        })
    for spec in doc.get("units", []):
        parent = Unit.objects.get(code=spec["parent"]) if spec.get("parent") else None
        unit, _created = Unit.objects.get_or_create(code=spec["code"], defaults={
            "name": spec["name"], "kind": spec.get("kind", ""), "parent": parent})
        if (unit.name, unit.kind, unit.parent_id) != (spec["name"], spec.get("kind", ""), parent and parent.pk):
            unit.name, unit.kind, unit.parent = spec["name"], spec.get("kind", ""), parent
            unit.save()
    return org


def create_person(*, username: str, name: str, unit: Unit, roles: list[str], password: str,
                  email: str = "", is_staff: bool = False):
    """A person with memberships in `unit` for each role code."""
    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username, defaults={
        "first_name": name, "email": email, "is_staff": is_staff})
    user.set_password(password)
    user.save()
    for code in roles:
        try:
            role = Role.objects.get(code=code)
        except Role.DoesNotExist as exc:
            raise PolicyError(f"unknown role {code!r} for {username}") from exc
        Membership.objects.get_or_create(user=user, unit=unit, role=role)
    return user


def create_preset_people(password: str) -> dict:
    """The preset's demo people ([[demo.people]]), by username. They work through their
    memberships; none is Django staff (the admin site is for configuration administrators)."""
    doc = organisation().policy
    people = {}
    for spec in doc.get("demo", {}).get("people", []):
        people[spec["username"]] = create_person(
            username=spec["username"], name=spec["name"], unit=Unit.objects.get(code=spec["unit"]),
            roles=spec["roles"], password=password, email=f"{spec['username']}@example.com")
    return people
