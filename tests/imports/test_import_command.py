"""`tousu import FILE`: past complaints from a spreadsheet become cases with their own dates,
through the actions, once each however often the file is imported; bad rows are reported by
row and column and written not at all."""

import csv
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook

from tousu.cases.events import verify_case
from tousu.cases.models import Case, CaseEvent
from tousu.imports.models import ImportedRow

SH = ZoneInfo("Asia/Shanghai")
HEADERS = ["留言编号", "留言用户", "留言主题", "留言时间", "留言详情", "一级分类", "答复意见", "答复时间"]
ROWS = [
    [1001, "A00012", "房间隔音很差", datetime(2025, 9, 30, 22, 15), "隔壁说话听得清清楚楚，整晚没睡好。",
     "噪音", "已为客人调换安静楼层的房间并致歉。", datetime(2025, 10, 9, 10, 0)],
    [1002, "A00013", "前台态度差", datetime(2025, 10, 2, 8, 30), "办理入住时前台不耐烦。", "服务态度", None, None],
    [1003, "A00014", "多收房费", datetime(2025, 11, 3, 14, 0), "退房时多收了一晚房费。", "收费结账",
     "已退还多收的房费。", datetime(2025, 11, 4, 9, 30)],
]


def xlsx(path, headers, rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run(path, *args):
    """Import as the front office's head: the rows are 消费后 complaints, which are the head's
    from registration (text 五 六、一)2、), so he records their past replies."""
    out = StringIO()
    with translation.override("en"):
        call_command("import", str(path), "--by", "fo_head", "--no-progress", *args, stdout=out)
    return out.getvalue()


def test_a_real_shaped_xlsx_with_chinese_headers_imports_without_a_mapping(hotel, tmp_path):
    path = xlsx(tmp_path / "留言.xlsx", HEADERS, ROWS)
    report = run(path, "--mapping", str(_stage_after(tmp_path)))
    assert "3 rows" in report and "created 3 cases (2 with a reply)" in report
    cases = {c.subject: c for c in Case.objects.all()}
    assert len(cases) == 3
    noise = cases["房间隔音很差"]
    # its own dates: received at the row's time, replied at the reply's time (across 国庆)
    assert noise.received_at == datetime(2025, 9, 30, 22, 15, tzinfo=SH)
    assert noise.replied_at == datetime(2025, 10, 9, 10, 0, tzinfo=SH)
    assert noise.state == "replied" and noise.reply == "已为客人调换安静楼层的房间并致歉。"
    assert noise.category == "noise" and noise.complainant_name == "A00012"
    assert noise.number.startswith("TS-2025-")
    assert cases["前台态度差"].state == "received" and cases["前台态度差"].category == "service_attitude"
    # every event of an imported case says so, and the chain is whole
    events = list(CaseEvent.objects.filter(case=noise).order_by("seq"))
    assert [e.action for e in events] == ["register", "reply_imported"]
    assert all(e.new["imported"] == {"source": "留言.xlsx", "row": 2, "key": "1001"} for e in events)
    assert verify_case(noise) is None


def _stage_after(tmp_path):
    """The hotel's clocks depend on the stage: a mapping file gives the imported rows one."""
    path = tmp_path / "mapping.toml"
    path.write_text('[columns]\nstage = ["阶段"]\n\n[defaults]\nstage = "消费后投诉"\n', encoding="utf-8")
    return path


def test_the_hotel_refuses_a_file_without_a_stage_before_writing_anything(hotel, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", HEADERS, ROWS)
    with pytest.raises(CommandError, match="stage"):
        run(path)
    assert Case.objects.count() == 0


def test_a_csv_imports_and_the_same_file_twice_imports_nothing_twice(hotel, tmp_path):
    path = tmp_path / "old.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["投诉人", "标题", "投诉时间", "内容", "分类", "回复", "回复时间"])  # no key column
        out.writerow(["张先生", "空调坏了", "2025/12/31 20:00", "报修两次没人来。", "设施设备", "", ""])
        out.writerow(["李女士", "早餐是冷的", "2026-01-02 08:10", "菜都是冷的。", "餐饮", "已整改", "2026-01-05 09:00"])
    mapping = _stage_after(tmp_path)
    first = run(path, "--mapping", str(mapping))
    assert "created 2 cases (1 with a reply)" in first
    again = run(path, "--mapping", str(mapping))
    assert "created 0 cases" in again and "2 already imported" in again
    assert Case.objects.count() == 2 and ImportedRow.objects.count() == 2
    cold = Case.objects.get(subject="早餐是冷的")
    assert cold.state == "replied" and cold.category == "food"
    assert cold.received_at == datetime(2026, 1, 2, 8, 10, tzinfo=SH)


def test_bad_rows_are_reported_by_row_and_column_and_never_half_written(hotel, tmp_path):
    rows = [
        ROWS[0],
        [2001, "B1", "时间不对", "昨天下午", "时间写成了文字。", "噪音", None, None],  # bad date
        [2002, "B2", "", datetime(2025, 10, 5, 9, 0), "", "噪音", None, None],  # empty text
        [2003, "B3", "分类不对", datetime(2025, 10, 6, 9, 0), "没有这个分类。", "停车", None, None],  # unknown category
        [2004, "B4", "答复早于留言", datetime(2025, 10, 7, 9, 0), "答复时间错了。", "噪音", "已处理",
         datetime(2025, 10, 1, 9, 0)],  # replied before received
        ROWS[2],
    ]
    path = xlsx(tmp_path / "bad.xlsx", HEADERS, rows)
    errors = tmp_path / "errors.csv"
    report = run(path, "--mapping", str(_stage_after(tmp_path)), "--errors", str(errors))
    assert "6 rows" in report and "created 2 cases" in report and "4 failed" in report
    assert set(Case.objects.values_list("subject", flat=True)) == {"房间隔音很差", "多收房费"}
    with errors.open(encoding="utf-8-sig") as fh:
        listed = list(csv.reader(fh))
    assert listed[0] == ["Row", "Column", "Error"]
    assert [(row[0], row[1]) for row in listed[1:]] == [
        ("3", "留言时间"), ("4", "留言详情"), ("5", "一级分类"), ("6", "答复时间")]
    assert "昨天下午" in listed[1][2] and "停车" in listed[3][2]
    # nothing of the failed rows was written, and running again retries only them
    assert ImportedRow.objects.count() == 2
    again = run(path, "--mapping", str(_stage_after(tmp_path)), "--errors", str(errors))
    assert "created 0 cases" in again and "2 already imported" in again and "4 failed" in again


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(hotel, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", HEADERS, ROWS)
    report = run(path, "--mapping", str(_stage_after(tmp_path)), "--dry-run")
    assert "would create 3 cases (2 with a reply)" in report
    assert "Replied: 2" in report and "Received: 1" in report
    assert "subject ← 留言主题" in report and "received_at ← 留言时间" in report
    assert Case.objects.count() == 0 and ImportedRow.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_the_progress_line_shows_rate_and_time_left(hotel, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", HEADERS, ROWS)
    err = StringIO()
    call_command("import", str(path), "--by", "frontdesk", "--mapping", str(_stage_after(tmp_path)),
                 stdout=StringIO(), stderr=err)
    line = err.getvalue()
    assert "3/3" in line and "/min" in line and "+ 0:00" in line


def test_an_importer_must_belong_to_the_unit(hotel, tmp_path):
    path = xlsx(tmp_path / "a.xlsx", HEADERS, ROWS)
    with pytest.raises(CommandError):
        call_command("import", str(path), "--by", "frontdesk", "--unit", "housekeeping", "--no-progress",
                     stdout=StringIO())
    assert Case.objects.count() == 0


def test_an_import_tells_nobody_again(hotel, tmp_path):
    """Replies given years ago are recorded, not announced again: no webhook for the imported
    events, nothing in the outbox; a case registered here afterwards is announced as ever."""
    from tousu.api.models import WebhookSubscription
    from tousu.notify.models import Notification

    WebhookSubscription.objects.create(url="https://crm.example.com/hook")
    report = run(xlsx(tmp_path / "留言.xlsx", HEADERS, ROWS), "--mapping", str(_stage_after(tmp_path)))
    assert "created 3 cases (2 with a reply)" in report
    assert Notification.objects.count() == 0
    from tousu.cases import actions

    actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone", stage="after",
                          category="noise", subject="新的投诉", description="今晚隔壁很吵。", complainant_name="孙先生")
    assert Notification.objects.filter(channel="webhook").count() == 1
