"""The policy keeps versions: who put each in force and when; a case names the one it ran under."""

import json

import pytest
from django.test import Client

from tousu.cases import actions
from tousu.org.models import Organisation, PolicyVersion
from tousu.org.services import apply_preset


def test_loading_a_preset_again_adds_no_version_unless_it_changed(hotel):
    assert PolicyVersion.objects.count() == 1
    apply_preset("hotel", changed_by="ops")
    assert PolicyVersion.objects.count() == 1
    apply_preset("bank", changed_by="ops")
    latest = PolicyVersion.objects.order_by("-number").first()
    assert (latest.number, latest.preset, latest.changed_by) == (2, "bank", "ops")


def test_a_case_records_the_version_it_was_registered_under(hotel):
    case = actions.register_case(actor=hotel.frontdesk, unit=hotel.units["front_office"], channel="phone",
                                 subject="噪音", description="楼上很吵", complainant_name="张先生", stage="after")
    assert case.policy_version == PolicyVersion.objects.get().number == 1


@pytest.fixture
def admin_client(hotel, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="pw"))
    return client


def test_an_admin_edit_becomes_a_version_naming_the_editor(admin_client):
    org = Organisation.objects.get()
    policy = org.policy
    policy["kinds"]["complaint"]["actions"]["note"]["roles"] = ["owner"]
    response = admin_client.post(f"/admin/org/organisation/{org.pk}/change/", {
        "name": org.name, "preset": org.preset, "timezone": org.timezone, "hotline": org.hotline,
        "policy": json.dumps(policy, ensure_ascii=False)})
    assert response.status_code == 302
    latest = PolicyVersion.objects.order_by("-number").first()
    assert (latest.number, latest.changed_by) == (2, "root")
    assert latest.policy["kinds"]["complaint"]["actions"]["note"]["roles"] == ["owner"]


def test_an_admin_edit_with_a_mistake_is_refused_naming_the_key(admin_client):
    org = Organisation.objects.get()
    policy = org.policy
    policy["kinds"]["complaint"]["actions"]["reply"]["to"] = "answered"
    response = admin_client.post(f"/admin/org/organisation/{org.pk}/change/", {
        "name": org.name, "preset": org.preset, "timezone": org.timezone, "hotline": org.hotline,
        "policy": json.dumps(policy, ensure_ascii=False)})
    assert response.status_code == 200
    assert "kinds.complaint.actions.reply.to" in response.content.decode()
    assert "answered" in response.content.decode()
    assert PolicyVersion.objects.count() == 1
    assert Organisation.objects.get().policy["kinds"]["complaint"]["actions"]["reply"]["to"] == "replied"
