"""Saved filters on the work list (issue 10, the workspace): a person names the list they look
at and opens it again from a link; only they see it; it keeps the list's own parameters only."""

from django.urls import reverse

from tousu.web.models import SavedFilter

from .helpers import hotel_case, login


def test_save_open_and_delete_a_filter(client, hotel):
    wanted = hotel_case(hotel, subject="早餐太咸", category="food")
    other = hotel_case(hotel, subject="房间有异味", category="hygiene")
    client = login(client, hotel.frontdesk)
    saved = client.post(reverse("web:save_filter"), {"name": "餐饮类", "query": "tab=all&category=food&page=3&evil=1"})
    assert saved.status_code == 302
    f = SavedFilter.objects.get(user=hotel.frontdesk)
    assert f.query == "tab=all&category=food"  # the page number and unknown keys are not kept
    page = client.get(reverse("web:my_work")).content.decode()
    assert 'data-saved="餐饮类"' in page and f'href="?{f.query.replace("&", "&amp;")}"' in page
    listed = client.get(f"{reverse('web:my_work')}?{f.query}").content.decode()
    assert wanted.number in listed and other.number not in listed
    again = client.post(reverse("web:save_filter"), {"name": "餐饮类", "query": "tab=mine"}, follow=True)
    assert "已有名为" in again.content.decode() and SavedFilter.objects.count() == 1
    client.post(reverse("web:delete_filter", args=[f.pk]))
    assert not SavedFilter.objects.exists()


def test_a_saved_filter_is_its_owners_only(client, hotel):
    f = SavedFilter.objects.create(user=hotel.frontdesk, name="我的", query="tab=mine")
    client = login(client, hotel.hk_staff)
    assert 'data-saved="我的"' not in client.get(reverse("web:my_work")).content.decode()
    assert client.post(reverse("web:delete_filter", args=[f.pk])).status_code == 404
    assert SavedFilter.objects.filter(pk=f.pk).exists()
