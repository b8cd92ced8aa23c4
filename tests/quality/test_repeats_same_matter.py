"""Issue 14: the repeat flag no longer calls two unrelated complaints duplicates because they
share a category and a unit; they must also be about the same matter (a similar text, the same
place, the same organisation), or come from the same complainant. The reports follow."""

import datetime as dt

from tousu.cases.models import Case, SameMatter
from tousu.cases.selectors import repeat_cases, repeats_of
from tousu.org.services import current_policy
from tousu.reports import figures

from .helpers import SH, at, complaint

NOISE = ("楼上装修噪音太大", "楼上邻居每天早上七点开始装修，电钻噪音太大，吵得孩子没法睡觉")
NOISE_AGAIN = ("楼上装修噪音", "楼上邻居又在装修，电钻噪音太大，孩子没法睡觉，请尽快处理")
KTV = ("隔壁KTV唱歌到凌晨", "酒店隔壁的KTV每晚唱歌到凌晨两点，音响低音震得窗户响")


def month_repeats():
    found = figures.compute(Case.objects.all(), start=at(2026, 5, 1), end=at(2026, 6, 1), policy=current_policy(),
                            tz=SH)
    return found["rates"]["repeat"]["num"]


def test_same_category_and_unit_about_different_matters_are_not_repeats(hotel):
    h = hotel
    hk = h.units["housekeeping"]
    first = complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="noise", subject=NOISE[0],
                      description=NOISE[1])
    other = complaint(h.hk_staff, hk, at(2026, 5, 3, 10, 0), category="noise", subject=KTV[0], description=KTV[1])
    assert list(repeats_of(other)) == []
    assert list(repeat_cases(h.gm, window_days=30)) == []
    assert month_repeats() == 0
    assert not SameMatter.objects.exists()
    assert first.pk != other.pk


def test_same_category_and_unit_about_the_same_matter_are_repeats(hotel):
    h = hotel
    hk = h.units["housekeeping"]
    first = complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="noise", subject=NOISE[0],
                      description=NOISE[1])
    complaint(h.hk_staff, hk, at(2026, 5, 2, 10, 0), category="noise", subject=KTV[0], description=KTV[1])
    again = complaint(h.hk_staff, hk, at(2026, 5, 4, 10, 0), category="noise", subject=NOISE_AGAIN[0],
                      description=NOISE_AGAIN[1])
    assert list(repeats_of(again)) == [first]
    assert list(repeat_cases(h.gm, window_days=30)) == [again]
    assert month_repeats() == 1
    pair = SameMatter.objects.get()
    assert (pair.later_id, pair.earlier_id, pair.reason) == (again.pk, first.pk, "text")


def test_the_same_place_makes_the_same_matter_and_another_category_does_not_repeat(hotel):
    h = hotel
    hk = h.units["housekeeping"]
    first = complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="hygiene", place="1208房",
                      subject="床单有污渍", description="入住时发现床单上有污渍")
    again = complaint(h.hk_staff, hk, at(2026, 5, 2, 10, 0), category="hygiene", place="1208房",
                      subject="卫生间没打扫", description="毛巾没换，地上有头发")
    elsewhere = complaint(h.hk_staff, hk, at(2026, 5, 3, 10, 0), category="noise", place="1208房",
                          subject="走廊喧哗", description="半夜有人大声说话")
    assert list(repeats_of(again)) == [first]
    assert list(repeats_of(elsewhere)) == []  # the same place, but another category
    assert month_repeats() == 1


def test_a_case_registered_late_links_to_the_later_ones(hotel):
    """An imported past complaint is registered after newer ones: the newer one repeats it."""
    h = hotel
    hk = h.units["housekeeping"]
    newer = complaint(h.hk_staff, hk, at(2026, 5, 10, 10, 0), category="noise", subject=NOISE_AGAIN[0],
                      description=NOISE_AGAIN[1])
    older = complaint(h.hk_staff, hk, at(2026, 5, 5, 10, 0), category="noise", subject=NOISE[0],
                      description=NOISE[1])
    assert list(repeats_of(newer)) == [older]
    assert list(repeats_of(older)) == []
    assert month_repeats() == 1


def test_the_window_still_bounds_the_same_matter(hotel):
    h = hotel
    hk = h.units["housekeeping"]
    complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="noise", subject=NOISE[0], description=NOISE[1])
    late = complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0) + dt.timedelta(days=45), category="noise",
                     subject=NOISE_AGAIN[0], description=NOISE_AGAIN[1])
    assert list(repeats_of(late)) == []


def test_the_migration_pairs_the_cases_already_stored(hotel):
    """Cases stored before the pairs existed get theirs from migration cases/0011."""
    import importlib

    from django.apps import apps

    h = hotel
    hk = h.units["housekeeping"]
    first = complaint(h.hk_staff, hk, at(2026, 5, 1, 10, 0), category="noise", subject=NOISE[0],
                      description=NOISE[1])
    again = complaint(h.hk_staff, hk, at(2026, 5, 4, 10, 0), category="noise", subject=NOISE_AGAIN[0],
                      description=NOISE_AGAIN[1])
    complaint(h.hk_staff, hk, at(2026, 5, 5, 10, 0), category="noise", subject=KTV[0], description=KTV[1])
    SameMatter.objects.all().delete()  # as before the migration
    assert list(repeats_of(again)) == []
    importlib.import_module("tousu.cases.migrations.0011_same_matter").backfill(apps, None)
    assert list(repeats_of(again)) == [first]
    assert SameMatter.objects.count() == 1
