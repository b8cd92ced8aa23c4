"""Files on a case: scanned pages at letter intake, "attach files" later, all through the actions
(an event on the chain names them), checked by their bytes, and never left on disk by a failure."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tousu.cases import actions, clocks
from tousu.cases.errors import InvalidInput, NotFound, Refused
from tousu.cases.models import Attachment, Case, CaseEvent

from .helpers import hotel_case, login
from .test_intake import facts

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    with translation.override("en"):
        yield


def upload(name, data, kind="application/octet-stream"):
    return SimpleUploadedFile(name, data, kind)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT / "cases"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- intake -----------------------------------------------------------------------------------------

def test_letter_intake_with_two_scanned_pages_makes_one_case_with_both(client, hotel, settings):
    client = login(client, hotel.frontdesk)
    pages = [upload("信函第1页.jpg", JPEG, "image/jpeg"), upload("信函第2页.pdf", PDF, "application/pdf")]
    response = client.post(reverse("web:intake", args=["letter"]),
                           {**facts(hotel), "step": "confirm", "attachments": pages})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:case", args=[case.pk])
    items = list(case.attachments.order_by("pk"))
    assert [a.original_name for a in items] == ["信函第1页.jpg", "信函第2页.pdf"]
    assert [a.content_type for a in items] == ["image/jpeg", "application/pdf"]
    assert {(a.source, a.uploaded_by) for a in items} == {(Attachment.LETTER_SCAN, hotel.frontdesk)}
    for item in items:
        assert item.file.name.startswith(f"cases/{case.number}/") and "信函" not in item.file.name
        assert (settings.MEDIA_ROOT / item.file.name).is_file()
    event = CaseEvent.objects.get(case=case, action="register")
    assert event.new["attachments"] == ["信函第1页.jpg", "信函第2页.pdf"]
    assert "信函第1页.jpg, 信函第2页.pdf" in event.note
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert reverse("web:attachment", args=[case.pk, items[0].pk]) in page and "信函第2页.pdf" in page


def test_a_bad_scanned_page_is_refused_and_nothing_is_saved(client, hotel, settings):
    client = login(client, hotel.frontdesk)
    pages = [upload("page1.png", PNG, "image/png"), upload("page2.png", b"<html>nope</html>", "image/png")]
    response = client.post(reverse("web:intake", args=["letter"]),
                           {**facts(hotel), "step": "confirm", "attachments": pages})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“page2.png” is not a JPEG, PNG, GIF, WebP image or a PDF." in page
    assert 'id="id_attachments-error"' in page and 'id="files-lost"' in page
    assert "房间空调不制冷" in page  # what was typed is kept
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_the_opinion_book_takes_pages_and_phone_intake_offers_no_files(client, hotel):
    client = login(client, hotel.frontdesk)
    book = client.get(reverse("web:intake", args=["opinion_book"])).content.decode()
    assert 'name="attachments"' in book and 'enctype="multipart/form-data"' in book
    phone = client.get(reverse("web:intake", args=["phone"])).content.decode()
    assert 'name="attachments"' not in phone
    response = client.post(reverse("web:intake", args=["opinion_book"]), {
        **facts(hotel), "step": "confirm", "attachments": [upload("意见簿.png", PNG, "image/png")]})
    assert response.status_code == 302
    assert Case.objects.get().attachments.get().source == Attachment.LETTER_SCAN


def test_too_many_pages_are_refused(client, hotel, settings):
    settings.TOUSU_ATTACHMENT_MAX_FILES = 2
    pages = [upload(f"p{i}.png", PNG, "image/png") for i in range(3)]
    response = login(client, hotel.frontdesk).post(reverse("web:intake", args=["letter"]),
                                                   {**facts(hotel), "step": "confirm", "attachments": pages})
    assert response.status_code == 400 and "Attach at most 2 files." in response.content.decode()
    assert Case.objects.count() == 0 and stored_files(settings) == []


def test_register_case_removes_its_files_when_the_transaction_fails(hotel, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the clock rules failed")

    monkeypatch.setattr(clocks, "apply", broken)
    with pytest.raises(RuntimeError):
        hotel_case(hotel, attachments=[upload("a.png", PNG, "image/png")])
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored_files(settings) == []


def test_register_case_checks_the_files_itself(hotel, settings):
    with pytest.raises(InvalidInput) as refused:
        hotel_case(hotel, attachments=[upload("x.exe", b"MZ\x90\x00", "application/octet-stream")])
    assert refused.value.field == "attachments" and "x.exe" in str(refused.value)
    assert Case.objects.count() == 0 and stored_files(settings) == []


# --- attach_files -----------------------------------------------------------------------------------

def test_attach_files_adds_files_with_an_event(hotel, settings):
    case = hotel_case(hotel)
    version = case.version
    done = actions.attach_files(actor=hotel.frontdesk, case_id=case.pk, note="客人补寄的收据",
                                files=[upload("收据.png", PNG, "image/png")], expected_version=version)
    assert done.version == version + 1 and done.state == "received"
    item = done.attachments.get()
    assert (item.source, item.uploaded_by, item.original_name) == (Attachment.STAFF, hotel.frontdesk, "收据.png")
    event = CaseEvent.objects.filter(case=case).latest("seq")
    assert event.action == "attach" and event.new == {"attachments": ["收据.png"]}
    assert "客人补寄的收据" in event.note and "收据.png" in event.note
    assert len(stored_files(settings)) == 1


@pytest.mark.parametrize("who", ["hk_staff", "stranger"])
def test_attach_files_reveals_nothing_to_another_unit(hotel, settings, who):
    case = hotel_case(hotel)
    with pytest.raises(NotFound):
        actions.attach_files(actor=getattr(hotel, who), case_id=case.pk,
                             files=[upload("a.png", PNG, "image/png")])
    assert Attachment.objects.count() == 0 and stored_files(settings) == []


def test_attach_files_needs_the_right(hotel, settings):
    case = hotel_case(hotel)  # marketing sees every unit, but is no member of the case's units
    with pytest.raises(Refused) as refused:
        actions.attach_files(actor=hotel.marketing, case_id=case.pk, files=[upload("a.png", PNG, "image/png")])
    assert "Attach files" in str(refused.value)
    assert Attachment.objects.count() == 0 and stored_files(settings) == []


def test_attach_files_refuses_a_closed_case_bad_files_and_no_files(hotel, settings):
    case = hotel_case(hotel)
    actions.withdraw_case(actor=hotel.frontdesk, case_id=case.pk, reason="客人撤回")
    with pytest.raises(Refused):
        actions.attach_files(actor=hotel.frontdesk, case_id=case.pk, files=[upload("a.png", PNG, "image/png")])
    other = hotel_case(hotel, complainant_phone="13700000000")
    with pytest.raises(InvalidInput) as bad:
        actions.attach_files(actor=hotel.frontdesk, case_id=other.pk, files=[upload("a.txt", b"hi", "text/plain")])
    assert bad.value.field == "files"
    with pytest.raises(InvalidInput):
        actions.attach_files(actor=hotel.frontdesk, case_id=other.pk, files=[])
    assert Attachment.objects.count() == 0 and stored_files(settings) == []


# --- the case page ----------------------------------------------------------------------------------

def test_the_case_page_attaches_files_with_htmx(client, hotel, settings):
    case = hotel_case(hotel)
    client = login(client, hotel.frontdesk)
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert 'id="action-attach"' in page and 'hx-encoding="multipart/form-data"' in page
    response = client.post(reverse("web:case_action", args=[case.pk, "attach"]), {
        "expected_version": case.version, "attach-files": [upload("照片.jpg", JPEG, "image/jpeg")],
        "attach-note": "现场照片"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and "Saved: Attach files." in body and "照片.jpg" in body
    item = Attachment.objects.get(case=case)
    assert reverse("web:attachment", args=[case.pk, item.pk]) in body


def test_a_bad_file_on_the_case_page_is_shown_inline(client, hotel, settings):
    case = hotel_case(hotel)
    response = login(client, hotel.frontdesk).post(reverse("web:case_action", args=[case.pk, "attach"]), {
        "expected_version": case.version, "attach-files": [upload("virus.exe", b"MZ\x90\x00", "image/png")]})
    assert response.status_code == 400
    assert "“virus.exe” is not a JPEG, PNG, GIF, WebP image or a PDF." in response.content.decode()
    assert Attachment.objects.count() == 0 and stored_files(settings) == []


def test_no_attach_form_without_the_right(client, hotel):
    case = hotel_case(hotel)
    page = login(client, hotel.marketing).get(reverse("web:case", args=[case.pk])).content.decode()
    assert 'id="action-attach"' not in page
    response = client.post(reverse("web:case_action", args=[case.pk, "attach"]), {
        "expected_version": case.version, "attach-files": [upload("a.png", PNG, "image/png")]})
    assert response.status_code == 400 and Attachment.objects.count() == 0


@pytest.mark.parametrize("who", ["hk_staff", "fb_head", "stranger"])
def test_an_attached_file_is_404_to_another_units_staff(client, hotel, who):
    case = actions.attach_files(actor=hotel.frontdesk, case_id=hotel_case(hotel).pk,
                                files=[upload("a.png", PNG, "image/png")])
    item = case.attachments.get()
    url = reverse("web:attachment", args=[case.pk, item.pk])
    assert login(client, getattr(hotel, who)).get(url).status_code == 404
    assert login(client, hotel.frontdesk).get(url).status_code == 200
