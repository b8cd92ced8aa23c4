"""`tousu verify-documents`: a kept document whose file no longer is the text its event recorded
is named; an untouched one passes; one removed by anonymising is counted, not failed."""

import io

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.opinion.helpers import act, found
from tests.times import at
from tousu.cases import document_check
from tousu.cases.models import CaseDocument


def _bulletin(o):
    case = found(o, level=2, subject="省内媒体报道收费站排长队")
    act("grade", o.yq_office, case, level="2", decided_by="city_bureau", reason="省内媒体关注")
    act("send_bulletin", o.yq_office, case, text="建议协调增开车道")
    return case, CaseDocument.objects.get(case=case, name="bulletin")


def test_an_untouched_document_matches_its_event(opinion):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        _bulletin(opinion)
    result = document_check.check()
    assert (result.checked, result.erased, result.problems) == (1, 0, [])
    call_command("verify_documents", stdout=io.StringIO())  # no CommandError


def test_a_changed_document_file_is_named(opinion):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case, document = _bulletin(opinion)
    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(b"PK edited afterwards")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command("verify_documents", stderr=err)
    assert document_check.check().problems == err.getvalue().splitlines()
    assert case.number in err.getvalue() and document.title in err.getvalue()


def test_a_missing_file_is_named(opinion):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        case, document = _bulletin(opinion)
    document.file.storage.delete(document.file.name)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("verify_documents", stderr=err)
    assert case.number in err.getvalue()


def test_a_document_removed_by_anonymising_is_counted_not_failed(opinion):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False):
        _bulletin(opinion)
    CaseDocument.objects.update(file="")
    result = document_check.check()
    assert (result.checked, result.erased, result.problems) == (0, 1, [])
    call_command("verify_documents", stdout=io.StringIO())
