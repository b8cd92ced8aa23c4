"""The presets parse into policies that answer who may do what (no database)."""

from decimal import Decimal

import pytest

from tousu.domain.policy import OWNER, PolicyError, Refusal, load_preset, parse_policy, read_preset


@pytest.fixture(scope="module")
def hotel():
    return load_preset("hotel")


def test_hotel_ladder_is_staff_head_deputy_gm(hotel):
    assert [hotel.roles[s.role].name for s in hotel.ladder] == ["员工", "部门负责人", "分管副总", "总经理"]
    assert hotel.next_step(1).role == "deputy_gm"
    with pytest.raises(Refusal) as top:
        hotel.next_step(3)
    assert top.value.code == "top_of_ladder"


def test_bank_ladder_ends_at_head_office_service_management():
    bank = load_preset("bank")
    assert bank.ladder[-1].unit_kind == "service_management"
    assert bank.roles["outlet_head"].sign_off and not bank.roles["staff"].sign_off
    assert ("field", "signed_off_by") in bank.actions["close"].requires[1].params


def test_authority_refusal_names_the_level_that_may_grant(hotel):
    hotel.check_authority({"staff"}, Decimal("200"))
    with pytest.raises(Refusal) as refused:
        hotel.check_authority({"staff"}, Decimal("3000"))
    assert refused.value.params["role"] == "分管副总"


def test_state_and_role_checks(hotel):
    assert hotel.check("accept", "received", {OWNER}).to_state == "accepted"
    with pytest.raises(Refusal, match="wrong_state"):
        hotel.check("close", "received", {"gm"})
    with pytest.raises(Refusal, match="no_right"):
        hotel.check("sign_off", "replied", {"staff", OWNER})
    assert hotel.check("sign_off", "replied", {"dept_head"})


def test_clock_rules_depend_on_the_stage(hotel):
    during = hotel.clocks_for("register", {"stage": "during"})
    after = hotel.clocks_for("register", {"stage": "after"})
    assert [c.name for c in during["start"]] == ["during_stay"]
    assert [c.name for c in after["start"]] == ["after_stay"]
    assert after["start"][0].amount == 3 and after["start"][0].unit == "working_days"


def _complaint(doc):
    return doc["kinds"]["complaint"]


@pytest.mark.parametrize("breakage, problem", [
    (lambda d: d["ladder"]["steps"].append({"role": "janitor"}),
     "hotel.toml: ladder.steps.4.role: unknown role 'janitor'"),
    (lambda d: _complaint(d)["actions"]["accept"].update(roles=["ghost"]),
     "hotel.toml: kinds.complaint.actions.accept.roles: unknown roles ['ghost']"),
    (lambda d: _complaint(d)["actions"]["accept"].update(to="limbo"),
     "hotel.toml: kinds.complaint.actions.accept.to: unknown state 'limbo'"),
    (lambda d: _complaint(d)["clocks"][1].update(unit="fortnights"),
     "hotel.toml: kinds.complaint.clocks.1.unit: unit 'fortnights' is not one of"),
    (lambda d: _complaint(d)["figures"].update(satisfied=["angry"]),
     "hotel.toml: kinds.complaint.figures.satisfied.0: unknown outcome 'angry'"),
])
def test_a_broken_policy_is_refused_naming_the_place(breakage, problem):
    """A policy read without its files (as stored with the organisation) names the preset."""
    doc = read_preset("hotel")
    breakage(doc)
    with pytest.raises(PolicyError) as refused:
        parse_policy(doc)
    assert [line for line in refused.value.problems if line.startswith(problem)], refused.value.problems


def test_unknown_preset_lists_the_known_ones():
    with pytest.raises(PolicyError, match=r"known presets: bank, hotel, (\w+, )*telecom"):
        read_preset("school")


def test_an_outcome_may_carry_its_english_label(hotel):
    kind = hotel.kind("complaint")
    assert kind.code == "complaint"
    assert (kind.outcomes["satisfied"], kind.outcomes_en["satisfied"]) == ("满意", "Satisfied")
