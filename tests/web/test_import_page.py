"""The staff page for importing past complaints: an administrator uploads, sees the columns
mapped and a preview that writes nothing, imports, and reads the failed rows."""

import csv
import io
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from openpyxl import Workbook

from tousu.cases.models import Case
from tousu.imports.models import ImportedRow

HEADERS = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类", "答复意见", "答复时间"]


@pytest.fixture(autouse=True)
def _english_and_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def xlsx() -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([1, "U1", "垃圾清运不及时", datetime(2026, 9, 30, 9, 0), "小区垃圾三天无人清运。", "城乡建设",
                  "已协调清运。", datetime(2026, 10, 2, 10, 0)])
    sheet.append([2, "U2", "路灯不亮", datetime(2026, 10, 3, 20, 0), "路灯坏了一周。", "城乡建设", None, None])
    sheet.append([3, "U3", "分类不明", datetime(2026, 10, 4, 9, 0), "不知道找谁。", "外星事务", None, None])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("留言.xlsx", out.getvalue(),
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture
def admin(hotline):
    from tousu.org.models import Membership

    user = hotline.operator1
    user.is_superuser = True
    user.save()
    assert Membership.objects.filter(user=user).exists()
    client = Client()
    client.force_login(user)
    return client


def test_an_administrator_previews_then_imports_and_reads_the_failed_rows(admin, hotline):
    page = admin.post("/staff/import/", {"step": "upload", "file": xlsx(), "kind": "request", "unit": "centre"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "Preview: nothing has been written yet" in text
    assert "3 rows: 2 cases (1 with a reply), 0 already imported, 1 failed." in text
    assert "外星事务" in text and Case.objects.count() == 0
    done = admin.post("/staff/import/", {"step": "run", "kind": "request", "unit": "centre"})
    assert "3 rows: 2 cases (1 with a reply), 0 already imported, 1 failed." in done.content.decode()
    assert Case.objects.count() == 2 and ImportedRow.objects.count() == 2
    assert set(Case.objects.values_list("state", flat=True)) == {"closed", "registered"}
    errors = admin.post("/staff/import/", {"step": "errors", "kind": "request", "unit": "centre"})
    rows = list(csv.reader(io.StringIO(errors.content.decode("utf-8-sig"))))
    assert errors["Content-Type"].startswith("text/csv")
    assert rows[0] == ["Row", "Column", "Error"] and rows[1][:2] == ["4", "一级分类"]
    again = admin.post("/staff/import/", {"step": "run", "kind": "request", "unit": "centre"})
    assert "0 cases (0 with a reply), 2 already imported, 1 failed." in again.content.decode()


def test_a_column_is_mapped_on_the_page(admin, hotline):
    admin.post("/staff/import/", {"step": "upload", "file": xlsx(), "kind": "request", "unit": "centre"})
    page = admin.post("/staff/import/", {"step": "preview", "kind": "request", "unit": "centre",
                                         "map_subject": "留言详情"})
    assert "3 rows: 2 cases" in page.content.decode() and Case.objects.count() == 0


def test_only_an_administrator_may_import(hotline):
    client = Client()
    client.force_login(hotline.dispatcher)
    assert client.get("/staff/import/").status_code == 403
    assert client.post("/staff/import/", {"step": "upload", "file": xlsx(), "kind": "request",
                                          "unit": "centre"}).status_code == 403
    assert Case.objects.count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_refused_plainly(admin):
    page = admin.post("/staff/import/", {"step": "upload", "kind": "request", "unit": "centre",
                                         "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")})
    assert page.status_code == 400 and "Choose an .xlsx or a .csv file." in page.content.decode()
