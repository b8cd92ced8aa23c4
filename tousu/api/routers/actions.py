"""One endpoint per action: a typed body in, one function of `cases.actions` called, the case out.
The action checks the right, the state and the version; this module only translates names."""

from ninja import Router

from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from tousu.cases import actions
from tousu.cases.engine import perform

from .. import present
from ..lookups import person, unit_by_code
from ..schemas import (
    AcceptIn,
    AssignIn,
    CallbackIn,
    NoteIn,
    ReasonIn,
    ResolutionIn,
    TextIn,
    TransferIn,
)
from .responses import case_responses

router = Router(tags=["actions"])
RESPONSES = case_responses()


def _done(request, case):
    return present.detail(case, personal=present.sees_personal_data(request.auth))


def _post(path: str, name: str, summary: str):
    return router.post(f"/{{case_id}}/{path}", response=RESPONSES, operation_id=name, summary=summary)


class AnyActionIn(Schema):
    """Any action of the case's kind: its inputs by name (see `GET /api/kinds`)."""

    model_config = ConfigDict(extra="forbid")
    inputs: dict[str, Any] = {}
    expected_version: int | None = None


@router.post("/{case_id}/actions/{action}", response=RESPONSES, operation_id="take_action",
             summary="Take any action of the case's kind with its inputs (see GET /api/kinds)")
def take_action(request, case_id: int, action: str, body: AnyActionIn):
    return _done(request, perform(action, actor=request.auth, case_id=case_id, inputs=body.inputs,
                                  expected_version=body.expected_version))


@_post("accept", "accept_case", "Accept (受理), optionally agreeing a reply time")
def accept(request, case_id: int, body: AcceptIn):
    return _done(request, actions.accept_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("note", "add_note", "Add a note to the timeline")
def note(request, case_id: int, body: TextIn):
    return _done(request, actions.add_note(actor=request.auth, case_id=case_id, **body.dict()))


@_post("assign", "assign_case", "Hand the case to another person of its units")
def assign(request, case_id: int, body: AssignIn):
    assignee = person(body.assignee, "assignee", required=False)  # the action says why not
    return _done(request, actions.assign_case(actor=request.auth, case_id=case_id, assignee=assignee,
                                              **body.dict(exclude={"assignee"})))


@_post("transfer", "transfer_case", "Transfer to the unit complained about, with a plan")
def transfer(request, case_id: int, body: TransferIn):
    unit = unit_by_code(body.unit, "unit")
    return _done(request, actions.transfer_case(actor=request.auth, case_id=case_id, unit=unit,
                                                **body.dict(exclude={"unit"})))


@_post("agree-plan", "agree_plan", "The head of the unit complained about agrees the plan")
def agree_plan(request, case_id: int, body: NoteIn):
    return _done(request, actions.agree_plan(actor=request.auth, case_id=case_id, **body.dict()))


@_post("escalate", "escalate_case", "Climb one level of the escalation ladder")
def escalate(request, case_id: int, body: ReasonIn):
    return _done(request, actions.escalate_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("propose-resolution", "propose_resolution", "Propose a resolution within your authority")
def propose_resolution(request, case_id: int, body: ResolutionIn):
    employee = person(body.responsible_employee, "responsible_employee")
    return _done(request, actions.propose_resolution(
        actor=request.auth, case_id=case_id, responsible_employee=employee,
        **body.dict(exclude={"responsible_employee"})))


@_post("reply", "reply_case", "Answer the complainant")
def reply(request, case_id: int, body: TextIn):
    return _done(request, actions.reply_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("callback", "record_callback", "Record the call-back (回访)")
def callback(request, case_id: int, body: CallbackIn):
    return _done(request, actions.record_callback(actor=request.auth, case_id=case_id, **body.dict()))


@_post("sign-off", "sign_off_case", "Sign off (签字确认)")
def sign_off(request, case_id: int, body: NoteIn):
    return _done(request, actions.sign_off_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("close", "close_case", "Close the case")
def close(request, case_id: int, body: NoteIn):
    return _done(request, actions.close_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("reopen", "reopen_case", "Reopen a closed case")
def reopen(request, case_id: int, body: ReasonIn):
    return _done(request, actions.reopen_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("withdraw", "withdraw_case", "The complainant withdrew the complaint")
def withdraw(request, case_id: int, body: ReasonIn):
    return _done(request, actions.withdraw_case(actor=request.auth, case_id=case_id, **body.dict()))


@_post("reject", "reject_case", "Not a complaint (不予受理)")
def reject(request, case_id: int, body: ReasonIn):
    return _done(request, actions.reject_case(actor=request.auth, case_id=case_id, **body.dict()))
