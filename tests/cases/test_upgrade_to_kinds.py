"""An existing database moves to kinds of case by migration: no case is lost, the open ones stay
open and the ended ones ended, each complainant becomes a party, the old policy is replaced by
its preset in the new form (version 1), and every old event chain still verifies."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.web_ui.helpers import hotel_case
from tousu.cases.events import verify_all
from tousu.cases.models import Case, CaseParty
from tousu.org.models import Organisation, PolicyVersion
from tousu.org.services import current_policy

BEFORE = [("cases", "0005_case_search_terms"), ("org", "0002_organisation_config_token")]


def _migrate(targets):
    MigrationExecutor(connection).migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_an_old_database_migrates_to_kinds_without_losing_a_case(hotel):
    cases = [hotel_case(hotel, subject=f"投诉{i}", complainant_name=f"顾客{i}") for i in range(3)]
    try:
        old = _migrate(BEFORE)
        # As session 2 left it: a policy without kinds, and one case closed.
        OldOrganisation = old.get_model("org", "Organisation")
        org = OldOrganisation.objects.get()
        org.policy = {k: v for k, v in org.policy.items() if k != "kinds"} | {"states": {"closed": "已办结"}}
        org.config_token = "old"
        org.save()
        old.get_model("cases", "Case").objects.filter(pk=cases[0].pk).update(state="closed")
        _migrate(_latest())
    finally:
        _migrate(_latest())
    assert Case.objects.count() == 3
    assert dict(Case.objects.values_list("pk", "is_open")) == {
        cases[0].pk: False, cases[1].pk: True, cases[2].pk: True}
    assert sorted(CaseParty.objects.filter(role="complainant").values_list("name", flat=True)) == [
        "顾客0", "顾客1", "顾客2"]
    assert "kinds" in Organisation.objects.get().policy
    assert current_policy().kind().code == "complaint"
    assert PolicyVersion.objects.filter(number=1).exists()
    # Every chain is whole; case 0 was closed above by a direct UPDATE, which the replay of its
    # events shows, and only that.
    broken = list(verify_all())
    assert [(b.case_number, "state" in b.problem) for b in broken] == [(cases[0].number, True)]
