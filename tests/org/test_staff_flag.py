"""The preset's people work through their memberships and are not Django staff: the admin site
is for configuration administrators (the demo's administrator), and the pages need no staff flag."""

from django.contrib.auth import get_user_model

from tousu.demo import create_admin
from tousu.reports.periods import parse_month
from tousu.reports.selectors import reports_visible_to
from tousu.reports.services import produce

from ..times import at


def test_preset_people_are_not_django_staff(hotel):
    people = get_user_model().objects.exclude(username="stranger")
    assert people.count() >= 9
    assert not people.filter(is_staff=True).exists()
    assert not people.filter(is_superuser=True).exists()


def test_a_preset_person_cannot_enter_the_admin_site(hotel, client):
    client.force_login(hotel.gm)
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith("/admin/login/")
    assert client.get("/admin/api/apitoken/").status_code == 302


def test_the_configuration_administrator_can(hotel, client):
    admin = create_admin()
    assert admin.is_staff and admin.is_superuser
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_people_still_read_their_pages_and_reports(hotel, client):
    produce(parse_month("2026-10"), now=at(2026, 11, 15, 9))
    assert reports_visible_to(hotel.marketing).count() == 1  # sees every unit
    assert reports_visible_to(hotel.stranger).count() == 0
    client.force_login(hotel.frontdesk)
    assert client.get("/staff/").status_code == 200
