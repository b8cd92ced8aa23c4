"""The API's typed input and output. Input schemas forbid unknown fields, so a misspelt field
is a 422, not silently ignored. People are named by username, units by code.

Input the databases cannot hold is a 422 here, not a 500 from the database later: text with
the NUL character (PostgreSQL refuses it) or an unpaired surrogate (not UTF-8), and times and
days outside 1900 to 9999-12-30 (at the edges of what Python holds, a time overflows when it
is turned into UTC or into a deadline)."""

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic_core import PydanticCustomError

from tousu.cases.selectors import FIRST_DAY, LAST_DAY  # the same range as the staff filters
from tousu.domain.text import LONG_TEXT_MAX, is_storable

Moment = Annotated[datetime, Field(ge=datetime.combine(FIRST_DAY, time.min, tzinfo=UTC),
                                   le=datetime.combine(LAST_DAY, time.min, tzinfo=UTC))]
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    field: str | None = None
    errors: list[ErrorItem] | None = None


def storable(value):
    """Text a database can store: no NUL, no unpaired surrogate."""
    if isinstance(value, str) and not is_storable(value):
        raise PydanticCustomError("storable_text", _(
                "This text holds a character that cannot be stored (NUL or an unpaired surrogate)."))
    return value


class StorableIn(Schema):
    """Input whose every text field is checked by `storable`."""

    @field_validator("*")
    @classmethod
    def _storable(cls, value):
        return storable(value)


class StrictIn(StorableIn):
    model_config = ConfigDict(extra="forbid")


# --- create -----------------------------------------------------------------------------------

class PartyIn(StrictIn):
    role: str = Field(description="A party role of the case's kind (not the complainant's: that is "
                                  "complainant_name and the fields beside it).")
    name: str = Field(max_length=200)
    kind: str = Field("", description="person or organisation (the role's default when blank)")
    address: str = Field("", max_length=300)
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    id_number: str = Field("", max_length=40, description="ID number or unified social credit code")
    product: str = Field("", max_length=200, description="Product or brand, where the kind asks")


class CaseIn(StrictIn):
    kind: str = Field("", description="A kind of case of the organisation (GET /api/kinds); its default when blank.")
    unit: str = Field(description="Code of the receiving unit; you must be a member of it.")
    channel: str
    subject: str = Field(max_length=200)
    description: str = Field(max_length=LONG_TEXT_MAX, description="The course of events.")
    complainant_name: str = Field(max_length=100)
    complainant_kind: str = Field("", description="person (the default) or organisation.")
    complainant_phone: str = Field("", max_length=40)
    complainant_email: str = Field("", max_length=254)
    complainant_address: str = Field("", max_length=300)
    stage: str = ""
    category: str = ""
    target_unit: str | None = Field(None, description="Code of the unit complained about.")
    occurred_at: Moment | None = None
    place: str = Field("", max_length=200)
    people_involved: str = Field("", max_length=300)
    requested_resolution: str = Field("", max_length=LONG_TEXT_MAX)
    requested_by: Moment | None = Field(None, description="When the complainant wants it handled.")
    promised_reply_at: Moment | None = None
    severity: int | None = Field(None, ge=0, le=32767, description="One of the kind's levels (its default when absent).")
    note: str = Field("", max_length=LONG_TEXT_MAX)
    parties: list[PartyIn] = Field([], max_length=20, description="Parties besides the complainant.")


# --- actions ----------------------------------------------------------------------------------

class ActionIn(StrictIn):
    expected_version: int | None = Field(
        None, description="The case's version as you read it; a 409 if it changed since.")


class NoteIn(ActionIn):
    note: str = Field("", max_length=LONG_TEXT_MAX)


class AcceptIn(NoteIn):
    promised_reply_at: Moment | None = None


class TextIn(ActionIn):
    text: str = Field(max_length=LONG_TEXT_MAX)


class ReasonIn(ActionIn):
    reason: str = Field(max_length=LONG_TEXT_MAX)


class AssignIn(NoteIn):
    assignee: str = Field(description="Username of the person to hand the case to.")


class TransferIn(ActionIn):
    unit: str = Field(description="Code of the unit complained about.")
    plan: str = Field(max_length=LONG_TEXT_MAX)


class ResolutionIn(ActionIn):
    resolution: str = Field(max_length=LONG_TEXT_MAX)
    compensation: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=2)
    at_fault: bool | None = None
    responsible_employee: str | None = Field(None, description="Username.")


class CallbackIn(NoteIn):
    result: str = Field(description="satisfied, not_satisfied or unreachable (as the policy says).")


# --- output -----------------------------------------------------------------------------------

class ClockOut(Schema):
    name: str
    label: str
    state: str
    started_at: datetime
    due_at: datetime
    warn_at: datetime
    provisional: bool
    warned_at: datetime | None
    breached_at: datetime | None


class PartyOut(Schema):
    id: int
    role: str
    kind: str
    name: str
    address: str
    phone: str
    product: str
    served_at: datetime | None


class ApprovalOut(Schema):
    chain: str
    round: int
    position: int
    label: str
    state: str
    decided_by: str | None
    decided_at: datetime | None


class EventOut(Schema):
    seq: int
    at: datetime
    action: str
    actor: str | None
    actor_party: int | None = None
    old: dict
    new: dict
    note: str


class CaseSummaryOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    channel: str
    stage: str
    category: str
    severity: int
    subject: str
    received_at: datetime
    receiving_unit: str
    handling_unit: str
    target_unit: str | None
    level: int
    owner: str
    complainant_name: str
    personal_data_masked: bool
    provisional_deadline: bool
    version: int
    updated_at: datetime


class CaseOut(CaseSummaryOut):
    description: str
    occurred_at: datetime | None
    place: str
    people_involved: str
    complainant_phone: str
    complainant_email: str
    complainant_address: str
    requested_resolution: str
    requested_by: datetime | None
    promised_reply_at: datetime | None
    received_by: str
    responsible_employee: str | None
    transfer_plan: str
    plan_agreed_by: str | None
    at_fault: bool | None
    resolution: str
    compensation: str
    reply: str
    replied_at: datetime | None
    callback_result: str
    callback_at: datetime | None
    signed_off_by: str | None
    signed_off_at: datetime | None
    closed_at: datetime | None
    reason: str
    reopen_count: int
    is_open: bool
    parties: list[PartyOut]
    approvals: list[ApprovalOut]
    clocks: list[ClockOut]
    events: list[EventOut]



class SuggestionOut(Schema):
    value: str = Field(description="The category code or the unit code.")
    label: str
    confidence: float = Field(description="The model's share of confidence, 0-1; the three sum to about 1.")


class RoutedOut(Schema):
    unit: str = Field(description="The unit code the case was sent to at intake.")
    automatic: bool = Field(description="True: sent by the policy's automatic routing of a confident suggestion.")


class CreatedCaseOut(CaseOut):
    suggestions: dict[str, list[SuggestionOut]] = Field(default_factory=dict, description=(
        "The routing model's top three for `category` and `unit` (empty when no model is on)."))
    routed: RoutedOut | None = Field(default=None, description=(
        "Where the kind routes confident suggestions automatically (`[kinds.X.routing]`): the unit the "
        "case was sent to; absent otherwise."))


COUNT_AHEAD = 1000  # the list counts no further than this many cases past the page asked for


class CasePage(Schema):
    count: int = Field(description=(
        f"The matching cases, counted no further than {COUNT_AHEAD} past the end of this page, so "
        "a request costs the same however many cases the years bring: when `count_capped` is true "
        "there are at least `count` (page on with `offset` until `items` is shorter than `limit`)."))
    count_capped: bool = Field(description="True when `count` is a lower bound, not the exact number.")
    limit: int
    offset: int
    items: list[CaseSummaryOut]
