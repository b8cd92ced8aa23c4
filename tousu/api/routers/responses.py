"""The statuses each kind of endpoint documents (and the contract tests hold it to)."""

from ..schemas import CaseOut, CreatedCaseOut, ErrorOut

READ_ERRORS = frozenset({401, 404, 422})
WRITE_ERRORS = frozenset({400, 401, 403, 404, 409, 413, 422})


def case_responses(status: int = 200, errors=WRITE_ERRORS) -> dict:
    return {status: CaseOut, errors: ErrorOut}


def created_responses() -> dict:
    return {201: CreatedCaseOut, WRITE_ERRORS: ErrorOut}
