"""`tousu routing train | evaluate | list | activate` (issue 14): a model learns the category from
the organisation's own past cases, is recorded with its version, size, date and quality, and
suggests the top three with their confidence once switched on; `evaluate` measures a labelled
file with the import's column mapping and refuses files it cannot learn from, saying why."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tousu.routing import services
from tousu.routing.models import RoutingModel

from .data import rows


def write_csv(path, headers, body):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(body)
    return path


def run(*args) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def past_cases(hotel, tmp_path):
    """Sixty past complaints imported through `tousu import` (the hotel's own history)."""
    body = [[1000 + i, s, "2025-10-01 10:00", d, label] for i, (s, d, label) in enumerate(rows(20))]
    path = write_csv(tmp_path / "history.csv", ["留言编号", "留言主题", "留言时间", "留言详情", "一级分类"], body)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[defaults]\nstage = "消费后投诉"\n', encoding="utf-8")
    run("import", str(path), "--by", "frontdesk", "--no-progress", "--mapping", str(mapping))
    return path


def test_a_model_is_trained_recorded_and_suggests_once_switched_on(past_cases, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert services.suggest("complaint", "隔壁太吵，一夜没睡") == {}  # nothing switched on yet
    report = run("routing", "train", "--kind", "complaint")
    model = RoutingModel.objects.get()
    assert (model.kind, model.version, model.training_size, model.active) == ("complaint", 1, 60, False)
    assert "macro-F1" in report and "top-3 accuracy" in report and "noise" in report
    quality = model.quality["category_1"]
    assert quality["size"] == 60 and quality["macro_f1"] > 0.8
    assert (tmp_path / "routing" / model.file).exists()
    assert "unit" not in model.quality  # one handling unit in this history: nothing to choose between

    run("routing", "activate", "complaint", "1")
    top = services.suggest("complaint", "楼上半夜跺脚，装修噪音也大")["category_1"]
    assert len(top) == 3 and top[0][0] == "noise"
    assert top[0][1] > top[1][1] >= top[2][1] and abs(sum(c for _, c in top) - 1) < 0.01
    assert services.suggest("complaint", "押金没退，发票也开错了")["category_1"][0][0] == "billing"

    run("routing", "train", "--kind", "complaint", "--activate")
    assert list(RoutingModel.objects.order_by("version").values_list("version", "active")) == [(1, False), (2, True)]
    assert "complaint v2 *" in run("routing", "list")


def test_a_model_file_changed_on_disk_is_refused(past_cases, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    run("routing", "train", "--kind", "complaint", "--activate")
    model = RoutingModel.objects.get()
    (tmp_path / "routing" / model.file).write_bytes(b"not the model")
    services._loaded.clear()
    with translation.override("en"), pytest.raises(services.RoutingError, match="not the one trained"):
        services.suggest("complaint", "隔壁太吵")


def test_training_without_history_says_so(hotel, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="No past cases"):
        run("routing", "train", "--kind", "complaint")
    with pytest.raises(CommandError, match="No kind of case"):
        run("routing", "train", "--kind", "nonsense")


def test_evaluate_prints_the_figures_and_the_per_class_table(db, tmp_path):
    body = [[s, d, label] for s, d, label in rows(15)]
    path = write_csv(tmp_path / "labelled.csv", ["留言主题", "留言详情", "一级分类"], body)
    report = run("routing", "evaluate", str(path), "--folds", "3", "--baseline")
    assert report.count("macro-F1") == 2  # the model and the baseline, measured the same way
    assert "accuracy" in report and "top-3 accuracy" in report and "(45 rows)" in report
    for label in ("噪音", "服务态度", "收费结账"):
        assert label in report
    assert "baseline" in report


def test_evaluate_reads_other_headers_through_the_mapping(db, tmp_path):
    body = [[label, s + d] for s, d, label in rows(10)]
    path = write_csv(tmp_path / "shop.csv", ["cat", "review"], body)
    with pytest.raises(CommandError, match="No text column"):
        run("routing", "evaluate", str(path))
    report = run("routing", "evaluate", str(path), "--map", "description=review", "--map", "category=cat",
                 "--folds", "2")
    assert "(30 rows)" in report


@pytest.mark.parametrize("headers, body, message", [
    (["留言主题", "一级分类"], [], "no row with both a text and a label"),
    (["留言主题", "一级分类"], [["隔壁太吵", ""], ["", "噪音"]], "no row with both a text and a label"),
    (["留言主题", "一级分类"], [[f"隔壁太吵{i}", "噪音"] for i in range(10)], "same label"),
    (["留言主题"], [["隔壁太吵"]], "No label column"),
    (["编号", "一级分类"], [["1", "噪音"]], "No text column"),
    (["留言主题", "一级分类"], [["a", "噪音"], ["b", "卫生"]] * 2 + [["c", "噪音"]], "at least 5 rows"),
])
def test_evaluate_refuses_a_file_it_cannot_learn_from(db, tmp_path, headers, body, message):
    path = write_csv(tmp_path / "bad.csv", headers, body)
    with pytest.raises(CommandError, match=message):
        run("routing", "evaluate", str(path))


def test_evaluate_refuses_an_empty_or_unreadable_file(db, tmp_path):
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(CommandError, match="no header row"):
        run("routing", "evaluate", str(tmp_path / "empty.csv"))
    with pytest.raises(CommandError, match="Cannot read"):
        run("routing", "evaluate", str(tmp_path / "missing.csv"))


def test_an_administrator_sees_the_figures_and_switches_a_model_on(past_cases, settings, tmp_path, admin_client):
    settings.DATA_DIR = tmp_path
    run("routing", "train", "--kind", "complaint")
    model = RoutingModel.objects.get()
    page = admin_client.get(f"/admin/routing/routingmodel/{model.pk}/change/").content.decode()
    assert "macro-F1" in page and "top-3" in page and "noise" in page
    answer = admin_client.post("/admin/routing/routingmodel/", {
        "action": "switch_on", "_selected_action": [model.pk]})
    assert answer.status_code == 302
    model.refresh_from_db()
    assert model.active
