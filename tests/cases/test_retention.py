"""Personal data (PIPL): an ended case past its kind's retention is anonymised by `tousu
retention apply`, recorded as an event; afterwards no original name, phone, email or address is
anywhere in the database and every event chain still verifies. A case within its retention is
untouched. A complainant's request to see or erase their data is an action with its own event."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from tests.worker.helpers import MONDAY_10, close_after_reply
from tousu.cases import actions
from tousu.cases.models import Case, CaseEvent, CaseParty
from tousu.domain.policy import PolicyError, parse_policy, read_preset

NAME, PHONE, EMAIL, ADDRESS = "欧阳娜娜", "13912345678", "nana@example.com", "上海市静安区某路8号"
OTHER = ("司马光", "13700007777", "guang@example.com", "北京市海淀区某街1号")
LATER = MONDAY_10 + dt.timedelta(days=3 * 365 + 10)  # past the presets' 1095 days



@pytest.fixture(autouse=True)
def _english():
    """The messages are read in English here (the Chinese catalogue is checked on its own)."""
    with translation.override("en"):
        yield

def closed_case(hotel, *, name=NAME, phone=PHONE, email=EMAIL, address=ADDRESS, now=MONDAY_10):
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", stage="after",
        subject="退房多收费", description=f"客人{name}称退房时多收一晚房费，请回电{phone}。",
        complainant_name=name, complainant_phone=phone, complainant_email=email,
        complainant_address=address, now=now)
    # A 消费后 complaint: the front office's head has it from registration and handles it.
    actions.accept_case(actor=hotel.fo_head, case_id=case.pk, now=now)
    return close_after_reply(hotel, case, now=now)


def database_text() -> str:
    """Every text of every row of every table, as one string."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            chunks += [repr(row) for row in cursor.fetchall()]
    return "\n".join(chunks)


def run(*args) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_apply_anonymises_past_retention_and_the_chains_still_verify(hotel):
    old = closed_case(hotel)
    recent = closed_case(hotel, name=OTHER[0], phone=OTHER[1], email=OTHER[2], address=OTHER[3],
                         now=LATER - dt.timedelta(days=30))
    assert NAME in database_text() and PHONE in database_text()
    events_before = old.event_count

    listed = run("apply", "--dry-run", "--now", LATER.isoformat())
    assert old.number in listed and recent.number not in listed and "1 case(s)" in listed
    assert Case.objects.get(pk=old.pk).complainant_name == NAME  # a dry run changes nothing

    assert "1 case(s) anonymised" in run("apply", "--now", LATER.isoformat())
    after = Case.objects.get(pk=old.pk)
    assert after.anonymised_at == LATER and after.event_count == events_before + 1
    last = CaseEvent.objects.get(case=after, seq=after.event_count)
    assert last.action == "anonymise" and last.actor_id is None
    text = database_text()
    for value in (NAME, PHONE, EMAIL, ADDRESS):
        assert value not in text, value
    assert "请回电***" in after.description  # the rest of the course of events is kept
    call_command("verify_events", stdout=StringIO())

    untouched = Case.objects.get(pk=recent.pk)
    assert (untouched.complainant_name, untouched.complainant_phone, untouched.complainant_email,
            untouched.complainant_address, untouched.anonymised_at) == (*OTHER, None)
    assert CaseParty.objects.get(case=recent).name == OTHER[0]
    assert "0 case(s) anonymised" in run("apply", "--now", LATER.isoformat())  # once only


def test_an_open_case_is_kept_however_old(hotel):
    case = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", stage="after",
        subject="空调坏了", description="空调坏了", complainant_name=NAME, complainant_phone=PHONE,
        now=MONDAY_10)
    assert "0 case(s)" in run("apply", "--dry-run", "--now", LATER.isoformat())
    assert Case.objects.get(pk=case.pk).complainant_name == NAME


def test_a_request_to_see_personal_data_is_recorded_and_exported(hotel, tmp_path):
    case = closed_case(hotel)
    out = tmp_path / "export.json"
    # The case's owner records it: the front office's head, who handled the 消费后 complaint.
    run("access", case.number, "--by", hotel.fo_head.username, "--note", "客人来电要求查阅", "--out", str(out))
    export = json.loads(out.read_text(encoding="utf-8"))
    assert export["complainant"] == {"name": NAME, "phone": PHONE, "email": EMAIL, "address": ADDRESS}
    assert export["parties"][0]["name"] == NAME
    event = CaseEvent.objects.filter(case=case).order_by("-seq").first()
    assert (event.action, event.actor_id, event.note) == ("data_access", hotel.fo_head.pk, "客人来电要求查阅")
    assert NAME not in json.dumps(event.new, ensure_ascii=False)
    call_command("verify_events", stdout=StringIO())


def test_a_request_to_erase_anonymises_an_ended_case_only_for_whom_may(hotel):
    case = closed_case(hotel)
    with pytest.raises(CommandError, match="No such case"):
        run("erase", case.number, "--by", hotel.stranger.username, "--note", "客人要求删除")
    run("erase", case.number, "--by", hotel.fo_head.username, "--note", "客人要求删除")
    after = Case.objects.get(pk=case.pk)
    assert after.complainant_phone == "" and after.anonymised_at is not None
    assert CaseEvent.objects.filter(case=case, action="data_erasure").count() == 1
    assert PHONE not in database_text()
    call_command("verify_events", stdout=StringIO())
    still_open = actions.register_case(
        actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", stage="after",
        subject="空调坏了", description="空调坏了", complainant_name="某人", now=MONDAY_10)
    with pytest.raises(CommandError):
        run("erase", still_open.number, "--by", hotel.fo_head.username, "--note", "客人要求删除")


def test_a_party_name_enters_the_chain_as_a_commitment_only(hotel):
    """The chain commits to a person's name without holding it; the commitment is keyed and
    salted per case, so the same name in two cases gives two unrelated values."""
    from tousu.cases.events import party_fact

    first, second = closed_case(hotel), closed_case(hotel)
    facts = [party_fact(c, CaseParty.objects.get(case=c)) for c in (first, second)]
    assert NAME not in json.dumps(facts, ensure_ascii=False)
    assert facts[0]["name"].startswith("hmac:") and facts[0]["name"] != facts[1]["name"]


def test_retention_days_is_checked_when_the_preset_loads():
    doc = read_preset("hotel")
    doc["kinds"]["complaint"]["retention_days"] = -5
    with pytest.raises(PolicyError, match="retention_days"):
        parse_policy(doc)
    doc["kinds"]["complaint"]["retention_days"] = "三年"
    with pytest.raises(PolicyError, match="retention_days"):
        parse_policy(doc)
