"""The complainant portal through Django's test client: submit, track, rate, ask for a re-review."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tousu.cases import actions
from tousu.cases.models import Case, CaseEvent
from tousu.org.models import Organisation
from tousu.portal.intake import intake_actor
from tousu.cases.models import Attachment

from .helpers import PDF, PNG, complaint, to_replied

EN = {"headers": {"accept-language": "en"}}


def submit(client, **overrides):
    return client.post("/portal/submit/", complaint(**overrides), **EN)


def the_case() -> Case:
    return Case.objects.get()


def look_up(client, code, last4):
    return client.post("/portal/track/", {"tracking_code": code, "phone_last4": last4}, **EN)


def without_csrf(response) -> str:
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


# --- the landing page -------------------------------------------------------------------------

def test_landing_shows_the_organisation_and_its_hotline(client, bank):
    page = client.get("/portal/", **EN).content.decode()
    assert "示例银行" in page and "95588" in page and 'href="tel:95588"' in page
    assert 'href="/portal/submit/"' in page and 'href="/portal/track/"' in page


def test_landing_works_before_the_organisation_exists(client, db):
    assert client.get("/portal/").status_code == 200


# --- submitting ---------------------------------------------------------------------------------

def test_submit_creates_exactly_one_web_case_with_an_owner(client, bank):
    form = client.get("/portal/submit/", **EN)
    assert form.status_code == 200
    key = re.search(r'name="submission" value="([0-9a-f]+)"', form.content.decode()).group(1)
    response = submit(client, submission=key)
    assert response.status_code == 302
    case = the_case()
    assert case.channel == "web" and case.owner == bank.cm and case.receiving_unit.code == "outlet_wenyi"
    assert case.state == "received" and case.category == "fees"
    assert case.complainant_phone == "138 0013 8000" and case.place == "Wenyi Road outlet"
    assert CaseEvent.objects.filter(case=case, action="register").count() == 1
    done = client.get(response["Location"], **EN).content.decode()
    assert case.number in done and case.tracking_code in done
    # The same form sent again (a double click, a retry) makes no second case.
    again = submit(client, submission=key)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Case.objects.count() == 1


def test_the_hotel_portal_hands_complaints_to_a_department_head(client, hotel):
    assert submit(client, category="", stage="after").status_code == 302
    case = the_case()
    assert case.owner == hotel.fo_head and case.level == 1 and case.channel == "web"


def test_the_hotel_portal_asks_when_it_was_because_the_deadline_depends_on_it(client, hotel):
    form = client.get("/portal/submit/").content.decode()
    assert "消费中投诉" in form and "消费后投诉" in form
    response = submit(client, category="")
    assert response.status_code == 400 and Case.objects.count() == 0
    assert "When was this?" in response.content.decode()
    assert submit(client, category="", stage="after").status_code == 302
    case = actions.accept_case(actor=hotel.fo_head, case_id=the_case().pk)
    running = case.clocks.filter(state="running")
    assert [c.name for c in running] == ["after_stay"]  # 三个工作日 from acceptance


def test_the_bank_portal_does_not_ask_for_a_stage(client, bank):
    assert 'name="stage"' not in client.get("/portal/submit/").content.decode()


def test_the_policy_may_name_the_intake_unit_and_user(client, bank):
    org = Organisation.objects.get()
    org.policy["portal"] = {"unit": "outlet_gucui", "user": "gucui_teller"}
    org.save()
    assert intake_actor() == (bank.gucui_teller, bank.units["outlet_gucui"])
    assert submit(client).status_code == 302
    assert the_case().owner == bank.gucui_teller


def test_a_portal_nobody_can_receive_refuses_and_saves_nothing(client, bank):
    org = Organisation.objects.get()
    org.policy["portal"] = {"unit": "no_such_unit"}
    org.save()
    response = submit(client)
    assert response.status_code == 503 and Case.objects.count() == 0
    assert "Charged twice for one transfer" in response.content.decode()


@pytest.mark.parametrize("field, value", [
    ("subject", ""), ("description", "  "), ("complainant_name", ""), ("complainant_phone", ""),
    ("complainant_phone", "call me"), ("complainant_email", "not-an-email"), ("category", "nonsense"),
    ("occurred_at", "2999-01-01T10:00"), ("occurred_at", "yesterday"),
])
def test_invalid_input_creates_nothing_and_keeps_what_was_typed(client, bank, field, value):
    response = submit(client, **{field: value})
    assert response.status_code == 400
    assert Case.objects.count() == 0
    page = response.content.decode()
    assert 'class="field-errors"' in page and 'id="error-summary"' in page
    typed = {"subject": "Charged twice for one transfer", "place": "Wenyi Road outlet",
             "requested_resolution": "Refund the second fee.", "complainant_name": "Li Lei",
             "complainant_email": "li.lei@example.com", "complainant_phone": "138 0013 8000"}
    for name, text in typed.items():
        if name != field:
            assert text in page, name
    if value.strip() and field != "category":
        assert value in page  # the wrong value itself is kept to be corrected


def test_attachments_are_stored_with_the_case(client, bank, settings):
    files = [SimpleUploadedFile("receipt.png", PNG, "image/png"),
             SimpleUploadedFile("statement.pdf", PDF, "application/pdf")]
    response = client.post("/portal/submit/", {**complaint(), "attachments": files}, **EN)
    assert response.status_code == 302
    stored = list(Attachment.objects.filter(case=the_case()))
    assert [a.original_name for a in stored] == ["receipt.png", "statement.pdf"]
    assert [a.content_type for a in stored] == ["image/png", "application/pdf"]
    assert {(a.source, a.uploaded_by) for a in stored} == {("portal", None)}
    for attachment in stored:
        path = settings.MEDIA_ROOT / attachment.file.name
        assert path.is_file() and attachment.file.name.startswith(f"cases/{the_case().number}/")
        assert "receipt" not in attachment.file.name  # the uploaded name never reaches the disk
    register = CaseEvent.objects.get(case=the_case(), action="register")
    assert register.new["attachments"] == ["receipt.png", "statement.pdf"]
    assert "receipt.png, statement.pdf" in register.note


@pytest.mark.parametrize("name, content, kind", [
    ("script.exe", b"MZ\x90\x00" + b"\x00" * 40, "application/octet-stream"),
    ("notes.txt", b"hello", "text/plain"),
    ("fake.png", b"<html>not an image</html>", "image/png"),  # the bytes decide, not the name
    ("photo.pdf", PNG, "application/pdf"),  # an image named .pdf
])
def test_a_bad_attachment_is_refused_and_nothing_is_saved(client, bank, settings, name, content, kind):
    files = [SimpleUploadedFile("fine.png", PNG, "image/png"), SimpleUploadedFile(name, content, kind)]
    response = client.post("/portal/submit/", {**complaint(), "attachments": files}, **EN)
    assert response.status_code == 400
    page = response.content.decode()
    assert name in page and "Nothing was saved" in page and "Charged twice for one transfer" in page
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert not (settings.MEDIA_ROOT / "cases").exists()


def test_too_many_or_too_large_attachments_are_refused(client, bank):
    six = [SimpleUploadedFile(f"p{i}.png", PNG, "image/png") for i in range(6)]
    assert client.post("/portal/submit/", {**complaint(), "attachments": six}).status_code == 400
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf")
    response = client.post("/portal/submit/", {**complaint(), "attachments": [big]}, **EN)
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()
    assert Case.objects.count() == 0


def test_every_field_has_a_label(client, bank):
    page = client.get("/portal/submit/").content.decode()
    tags = re.findall(r'<(?:input|textarea|select)[^>]*>', page)
    ids = [re.search(r'\bid="([^"]+)"', t).group(1) for t in tags
           if 'type="hidden"' not in t and re.search(r'\bid="', t)]
    assert len(ids) >= 10
    for field_id in ids:
        if field_id == "lang":
            continue
        assert f'for="{field_id}"' in page, field_id


# --- tracking -----------------------------------------------------------------------------------

@pytest.fixture
def submitted(client, bank):
    assert submit(client).status_code == 302
    client.cookies.clear()  # a fresh visitor: nothing in the session
    return the_case()


def test_tracking_with_the_code_and_the_phone_shows_the_case(client, submitted):
    response = look_up(client, submitted.tracking_code, "8000")
    assert response.status_code == 302 and response["Location"] == "/portal/track/"
    page = client.get("/portal/track/", **EN).content.decode()
    assert submitted.number in page and "Received: waiting to be accepted" in page
    assert 'id="rating-form"' not in page  # nothing to rate before a reply
    assert "li.lei@example.com" not in page  # personal data is not echoed back


def test_a_wrong_code_or_phone_reveals_nothing(client, submitted):
    code = submitted.tracking_code
    other = ("Z" if code[0] != "Z" else "Y") * len(code)
    wrong_phone = look_up(client, code, "1234")  # the case exists, the digits are wrong
    wrong_code = look_up(client, other, "8000")  # the digits are right, no such code
    no_such = look_up(client, other, "1234")  # nothing right at all
    assert wrong_phone.status_code == wrong_code.status_code == no_such.status_code == 200
    # The same page, word for word, apart from the code the visitor typed being echoed back.
    pages = [without_csrf(wrong_phone).replace(code, "CODE"),
             without_csrf(wrong_code).replace(other, "CODE").replace('value="8000"', 'value="1234"'),
             without_csrf(no_such).replace(other, "CODE")]
    assert pages[0] == pages[1] == pages[2]
    assert "We could not find a complaint" in pages[0] and submitted.number not in pages[0]
    assert "portal_case" not in client.session


def test_the_lookup_takes_the_same_path_whether_the_code_exists_or_not(submitted,
                                                                      django_assert_num_queries):
    from tousu.portal.tracking import find_case

    for code, digits in ((submitted.tracking_code, "1234"), ("nothing-here", "8000"),
                         (submitted.tracking_code, "8000")):
        with django_assert_num_queries(1):
            found = find_case(code, digits)
        assert found == (submitted.pk if digits == "8000" and code == submitted.tracking_code else None)


def test_lookups_are_rate_limited_per_client(client, submitted, settings):
    settings.TOUSU_LIMITS = {**settings.TOUSU_LIMITS, "lookup_client": (3, 600)}
    for _ in range(3):
        assert look_up(client, "nope", "0000").status_code == 200
    limited = look_up(client, submitted.tracking_code, "8000")  # even the right code now
    assert limited.status_code == 429
    assert "try again later" in limited.content.decode()
    assert "portal_case" not in client.session
    other = client.post("/portal/track/", {"tracking_code": submitted.tracking_code, "phone_last4": "8000"},
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302  # another address is not affected


def test_get_never_changes_anything(client, submitted):
    look_up(client, submitted.tracking_code, "8000")
    before = the_case().version
    for url in ("/portal/track/rate/", "/portal/track/re-review/", "/portal/track/leave/"):
        assert client.get(url).status_code == 405
    assert the_case().version == before


def test_actions_need_a_looked_up_case(client, submitted):
    to_replied(submitted)
    response = client.post("/portal/track/rate/", {"result": "satisfied", "version": the_case().version})
    assert response.status_code == 302 and the_case().state == "replied"


# --- rating and re-review -------------------------------------------------------------------------

@pytest.fixture
def replied(client, submitted):
    case = to_replied(submitted)
    look_up(client, case.tracking_code, "8000")
    return case


def test_the_reply_and_the_rating_form_are_shown(client, replied):
    page = client.get("/portal/track/", **EN).content.decode()
    assert "We refunded the second fee." in page and 'id="rating-form"' in page
    assert 'id="rereview-form"' in page


def test_satisfied_confirms_the_case(client, replied):
    response = client.post("/portal/track/rate/", {"result": "satisfied", "comment": "Quick, thanks",
                                                   "version": the_case().version})
    assert response.status_code == 302
    case = the_case()
    assert case.state == "confirmed" and case.callback_result == "satisfied"
    # The complainant acted as themselves: the event names their party, not a member of staff.
    event = case.events.get(action="rate")
    complainant = case.parties.get(role="complainant")
    assert event.actor is None and event.actor_party == complainant and "Quick, thanks" in event.note
    page = client.get("/portal/track/", **EN).content.decode()
    assert 'id="rating-form"' not in page and "Resolved" in page


def test_not_satisfied_escalates_the_case(client, replied, bank):
    level = replied.level
    response = client.post("/portal/track/rate/", {"result": "not_satisfied", "version": the_case().version})
    assert response.status_code == 302
    case = the_case()
    assert case.callback_result == "not_satisfied" and case.level == level + 1
    assert case.owner == bank.outlet_head and case.state == "in_progress"
    assert case.events.filter(action="escalate").count() == 1


def test_a_stale_rating_changes_nothing(client, replied):
    response = client.post("/portal/track/rate/", {"result": "satisfied", "version": 1})
    assert response.status_code == 302 and the_case().state == "replied"


def test_an_invalid_rating_is_shown_inline(client, replied):
    response = client.post("/portal/track/rate/", {"result": "delighted", "version": the_case().version})
    assert response.status_code == 400 and the_case().state == "replied"


def test_rereview_of_a_replied_case_is_a_note(client, replied):
    before = the_case().event_count
    response = client.post("/portal/track/re-review/", {"reason": "The fee is still on my statement."})
    assert response.status_code == 302
    case = the_case()
    assert case.state == "replied" and case.event_count == before + 1
    note = case.events.get(action="request_review")
    assert note.actor is None and note.actor_party.role == "complainant" and "still on my statement" in note.note


def test_rereview_of_a_closed_case_reopens_it(client, replied, bank):
    actions.record_callback(actor=replied.owner, case_id=replied.pk, result="satisfied")
    actions.sign_off_case(actor=bank.outlet_head, case_id=replied.pk)
    actions.close_case(actor=bank.outlet_head, case_id=replied.pk)
    assert the_case().state == "closed"
    response = client.post("/portal/track/re-review/", {"reason": "It happened again."})
    assert response.status_code == 302
    case = the_case()
    assert case.state == "in_progress" and case.reopen_count == 1
    reopened = case.events.get(action="reopen_on_request")
    assert "It happened again." in reopened.note and reopened.actor_party.role == "complainant"


def test_an_empty_rereview_is_refused_inline(client, replied):
    response = client.post("/portal/track/re-review/", {"reason": " "})
    assert response.status_code == 400 and the_case().event_count == replied.event_count


def test_leaving_forgets_the_case(client, replied):
    client.post("/portal/track/leave/")
    page = client.get("/portal/track/", **EN).content.decode()
    assert 'id="lookup-form"' in page and replied.number not in page


def test_the_hotel_portal_asks_by_when_and_the_deadline_follows_it(client, hotel):
    """消费中: the guest says by when; the deadline is that time (the bank does not ask)."""
    from django.utils import timezone

    assert 'name="requested_by"' in client.get("/portal/submit/").content.decode()
    past = submit(client, category="", stage="during", requested_by="2020-01-01T10:00")
    assert past.status_code == 400 and Case.objects.count() == 0
    assert "This time must be in the future." in past.content.decode()
    when = timezone.localtime() + timezone.timedelta(hours=5)
    assert submit(client, category="", stage="during",
                  requested_by=when.strftime("%Y-%m-%dT%H:%M")).status_code == 302
    case = the_case()
    clock = case.clocks.get(name="during_stay", state="running")
    assert clock.due_at == case.requested_by == when.replace(second=0, microsecond=0)


def test_the_bank_portal_does_not_ask_by_when(client, bank):
    assert 'name="requested_by"' not in client.get("/portal/submit/").content.decode()
