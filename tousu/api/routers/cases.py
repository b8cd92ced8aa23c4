"""Create, list and read cases."""

from django.http import HttpResponse
from ninja import Header, Query, Router, Status

from tousu.cases.selectors import access_case, cases_visible_to
from tousu.quality.duties import record_view
from tousu.org.services import current_policy
from tousu.routing import services as routing
from tousu.routing.intake import after_intake

from .. import present, schemas
from ..filters import CaseFilters, apply_filters
from ..idempotency import register_once
from ..schemas import CaseIn, CasePage, ErrorOut
from .responses import READ_ERRORS, case_responses, created_responses

router = Router(tags=["cases"])

IDEMPOTENCY_KEY = Header(
    ..., alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[^\x00]+$", description=(
        "A unique string per complaint: a retry with the same key and body returns the first case."))


@router.post("", response=created_responses(), operation_id="create_case",
             summary="Register a complaint", description=(
                 "Needs an `Idempotency-Key` header: a unique string per complaint (a UUID will do). "
                 "A retry with the same key and the same body returns the case the first request "
                 "registered (with `Idempotent-Replayed: true`) instead of registering it twice; the "
                 "same key with another body is refused (422). Without the header the request is "
                 "refused (422, field `Idempotency-Key`)."))
def create_case(request, response: HttpResponse, payload: CaseIn,
                idempotency_key: str = IDEMPOTENCY_KEY):
    case, replayed = register_once(user=request.auth, key=idempotency_key, payload=payload)
    text = "\n".join(filter(None, (case.subject, case.description)))
    suggestions = routing.intake_suggestions(current_policy(), case.kind, text)
    routed = {"routed": "", "automatic": False, "problem": ""}
    if replayed:
        response["Idempotent-Replayed"] = "true"
    else:
        routed = after_intake(current_policy(), case, suggestions, actor=request.auth)
        if routed["routed"]:  # routed automatically: answer with the case as it now is, when still visible
            case = cases_visible_to(request.auth).filter(pk=case.pk).first() or case
    answer = {**present.detail(case, personal=present.sees_personal_data(request.auth)), "suggestions": suggestions}
    if routed["routed"]:
        answer["routed"] = {"unit": routed["routed"], "automatic": routed["automatic"]}
    return Status(201, answer)


@router.get("", response={200: CasePage, READ_ERRORS: ErrorOut}, operation_id="list_cases",
            summary="Cases you may see, filtered")
def list_cases(request, filters: Query[CaseFilters]):
    personal = present.sees_personal_data(request.auth)
    qs = apply_filters(cases_visible_to(request.auth), filters, policy=current_policy(),
                       personal=personal)
    page = qs[filters.offset:filters.offset + filters.limit]
    cap = filters.offset + filters.limit + schemas.COUNT_AHEAD
    counted = qs.order_by()[:cap + 1].count()  # reads at most `cap` rows of an index, not every case
    return {"count": min(counted, cap), "count_capped": counted > cap, "limit": filters.limit,
            "offset": filters.offset, "items": [present.summary(case, personal=personal) for case in page]}


@router.get("/{case_id}", response=case_responses(200, READ_ERRORS), operation_id="get_case",
            summary="One case with its clocks and events")
def get_case(request, case_id: int):
    case = access_case(request.auth, case_id)
    record_view(request.auth, case, "api")  # a confidential level's every view (quality/duties.py)
    return present.detail(case, personal=present.sees_personal_data(request.auth))
