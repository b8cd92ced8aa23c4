"""The import page in a real browser: an administrator uploads a spreadsheet, maps a column,
previews, imports and sees the failed rows, with a screenshot of each step."""

from datetime import datetime

import pytest
from openpyxl import Workbook

from tests.browser import shot
from tousu.cases.models import Case

from .test_browser_flows import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def spreadsheet(path):
    book = Workbook()
    sheet = book.active
    sheet.append(["编号", "标题", "留言时间", "留言详情", "一级分类", "答复意见", "答复时间"])
    sheet.append(["A1", "垃圾清运不及时", datetime(2026, 9, 30, 9, 0), "小区垃圾三天无人清运。", "城乡建设",
                  "已协调清运。", datetime(2026, 10, 2, 10, 0)])
    sheet.append(["A2", "路灯不亮", datetime(2026, 10, 3, 20, 0), "路灯坏了一周。", "城乡建设", None, None])
    sheet.append(["A3", "分类不明", "不是日期", "不知道找谁。", "城乡建设", None, None])
    book.save(path)
    return path


def test_an_administrator_imports_a_spreadsheet_in_the_browser(page, live_server, hotline, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    admin = hotline.operator1
    admin.is_superuser = True
    admin.save()
    log_in(page, live_server, "operator1", then="/staff/import/")
    page.set_input_files("#id_file", str(spreadsheet(tmp_path / "留言.xlsx")))
    page.select_option("#id_unit", "centre")
    page.click("#import-send")
    page.wait_for_selector("#import-outcome")
    shot(page, "import-1-preview")
    # 编号 is not a built-in key header: without it every row is keyed by its content
    page.select_option("#map_key", "编号")
    page.click("#import-preview")
    page.wait_for_selector("#import-outcome")
    counts = page.inner_text("#import-counts")
    assert "3" in counts and "2" in counts and Case.objects.count() == 0
    assert "不是日期" in page.inner_text("#import-errors")
    shot(page, "import-2-mapped")
    page.click("#import-run")
    page.wait_for_selector("#import-outcome")
    shot(page, "import-3-done")
    assert Case.objects.count() == 2
    assert sorted(Case.objects.values_list("state", flat=True)) == ["closed", "registered"]
    from tousu.imports.models import ImportedRow

    assert sorted(ImportedRow.objects.values_list("key", flat=True)) == ["A1", "A2"]
