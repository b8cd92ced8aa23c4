"""The case page's repeat flag, the portal's attachments (served only to who may see the case),
the link to the 《顾客投诉处理报告表》, and the header's links to the reports and quality pages."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from tousu.cases.models import Attachment

from .helpers import hotel_case, login

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(autouse=True)
def _english(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def attach(case, name="房间照片.png", data=PNG, content_type="image/png"):
    """A stored attachment as a migrated row may be (any content type), bypassing the checks."""
    item = Attachment(case=case, original_name=name, size=len(data), content_type=content_type,
                      source=Attachment.PORTAL, uploaded_at=timezone.now())
    item.file.save(name, ContentFile(data), save=False)
    item.save()
    return item


def page_of(client, case) -> str:
    response = client.get(reverse("web:case", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_complaint_is_flagged_with_the_earlier_one(client, hotel):
    first = hotel_case(hotel)
    second = hotel_case(hotel, subject="退房又排队")  # the same phone number
    client = login(client, hotel.frontdesk)
    page = page_of(client, second)
    assert "Repeat complaint" in page and reverse("web:case", args=[first.pk]) in page
    assert "Repeat complaint" not in page_of(client, hotel_case(hotel, complainant_phone="13700000000",
                                                                 subject="别的事"))


def test_the_repeat_flag_stays_after_an_htmx_action(client, hotel):
    hotel_case(hotel)
    second = hotel_case(hotel, subject="退房又排队")
    response = login(client, hotel.frontdesk).post(
        reverse("web:case_action", args=[second.pk, "note"]),
        {"expected_version": second.version, "note-text": "客人第二次投诉"}, headers={"HX-Request": "true"})
    assert "Repeat complaint" in response.content.decode()


def test_attachments_are_listed_and_served_to_who_may_see_the_case(client, hotel):
    case = hotel_case(hotel)
    photo, scan = attach(case), attach(case, "信函.pdf", PDF, "application/pdf")
    client = login(client, hotel.frontdesk)
    page = page_of(client, case)
    url = reverse("web:attachment", args=[case.pk, photo.pk])
    assert url in page and "房间照片.png" in page and "信函.pdf" in page
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["Content-Type"] == "image/png" and response["X-Content-Type-Options"] == "nosniff"
    assert "inline" in response["Content-Disposition"]
    assert client.get(reverse("web:attachment", args=[case.pk, scan.pk]))["Content-Type"] == "application/pdf"


def test_an_unexpected_content_type_is_downloaded_not_shown(client, hotel):
    case = hotel_case(hotel)
    odd = attach(case, "page.html", b"<script>alert(1)</script>", "text/html")
    response = login(client, hotel.frontdesk).get(reverse("web:attachment", args=[case.pk, odd.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize("who", ["hk_staff", "fb_head", "stranger"])
def test_another_units_staff_gets_404_for_an_attachment(client, hotel, who):
    case = hotel_case(hotel)
    item = attach(case)
    response = login(client, getattr(hotel, who)).get(reverse("web:attachment", args=[case.pk, item.pk]))
    assert response.status_code == 404


def test_an_attachment_through_another_case_or_missing_is_404(client, hotel):
    case, other = hotel_case(hotel), hotel_case(hotel, complainant_phone="13700000000")
    item = attach(case)
    client = login(client, hotel.frontdesk)
    assert client.get(reverse("web:attachment", args=[other.pk, item.pk])).status_code == 404
    assert client.get(reverse("web:attachment", args=[case.pk, item.pk + 99])).status_code == 404
    item.file.storage.delete(item.file.name)
    assert client.get(reverse("web:attachment", args=[case.pk, item.pk])).status_code == 404


def test_anonymous_is_sent_to_log_in_for_an_attachment(client, hotel):
    case = hotel_case(hotel)
    item = attach(case)
    response = client.get(reverse("web:attachment", args=[case.pk, item.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_marketing_sees_every_unit_and_so_its_attachments(client, hotel):
    case = hotel_case(hotel)
    item = attach(case)
    assert login(client, hotel.marketing).get(reverse("web:attachment", args=[case.pk, item.pk])).status_code == 200


def test_the_case_page_links_its_handling_report_and_the_header_the_reports(client, hotel):
    case = hotel_case(hotel)
    client = login(client, hotel.frontdesk)
    page = page_of(client, case)
    report = reverse("quality:report", args=[case.pk])
    assert f'href="{report}"' in page and "No attachments." in page
    assert client.get(report).status_code == 200
    assert f'href="{reverse("reports:list")}"' in page and f'href="{reverse("quality:index")}"' in page


def test_someone_without_a_unit_gets_no_reports_links(client, hotel):
    page = login(client, hotel.stranger).get(reverse("web:my_work")).content.decode()
    assert f'href="{reverse("quality:index")}"' not in page
