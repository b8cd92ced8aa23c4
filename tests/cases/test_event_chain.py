"""The event chain holds against someone who can write the database but not read the chain key:
a rewritten event with recomputed hashes, a case row edited directly, and (with the heads
anchored outside the database) a chain cut back to an earlier event or a case that vanished
are all named by `tousu verify-events`; an incremental check looks only at what changed."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.worker.helpers import MONDAY_10, after_stay_case
from tousu.cases import actions
from tousu.cases.events import legacy_hash
from tousu.cases.models import Attachment, Case, CaseEvent, CaseParty, Clock, Lateness



@pytest.fixture(autouse=True)
def _english():
    """The messages are read in English here (the Chinese catalogue is checked on its own)."""
    with translation.override("en"):
        yield

def verify(*args) -> str:
    out = StringIO()
    call_command("verify_events", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def verify_fails(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_events", *args, stdout=StringIO(), stderr=err)
    return f"{failure.value}\n{err.getvalue()}"


@pytest.fixture
def cases(hotel):
    """Three cases with whole chains: register, accept, two notes."""
    found = []
    for subject in ("房间有异味", "早餐冷了", "空调坏了"):
        case = after_stay_case(hotel, subject=subject)
        actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="已联系客人", now=MONDAY_10)
        actions.add_note(actor=hotel.frontdesk, case_id=case.pk, text="客人同意更换房间", now=MONDAY_10)
        found.append(Case.objects.get(pk=case.pk))
    verify()
    return found


def rewind(case, to: int) -> None:
    """What an attacker with the database does to hide the last events: delete them and move
    the case's head back to the event before."""
    CaseEvent.objects.filter(case=case, seq__gt=to).delete()
    head = CaseEvent.objects.get(case=case, seq=to)
    Case.objects.filter(pk=case.pk).update(event_count=to, last_event_hash=head.hash)


def test_rewritten_event_with_recomputed_hashes_is_named(cases):
    """Unkeyed hashes can be recomputed by anyone; the keyed ones cannot."""
    case = cases[1]
    prev = CaseEvent.objects.get(case=case, seq=2).hash
    for event in CaseEvent.objects.filter(case=case, seq__gte=3).order_by("seq"):
        note = "客人很满意" if event.seq == 3 else event.note
        digest = legacy_hash(case_id=case.pk, seq=event.seq, actor_id=event.actor_id, at=event.at,
                             action=event.action, old=event.old, new=event.new, note=note, prev_hash=prev)
        CaseEvent.objects.filter(pk=event.pk).update(note=note, prev_hash=prev, hash=digest)
        prev = digest
    Case.objects.filter(pk=case.pk).update(last_event_hash=prev)
    message = verify_fails()
    assert f"{case.number} event 3" in message
    assert cases[0].number not in message and cases[2].number not in message


def test_case_row_edited_directly_is_named(cases):
    case = cases[0]
    Case.objects.filter(pk=case.pk).update(state="closed", is_open=False)
    message = verify_fails()
    assert case.number in message and "state" in message


def test_owner_handed_over_directly_is_named(cases, hotel):
    case = cases[2]
    Case.objects.filter(pk=case.pk).update(owner=hotel.deputy)  # not the head who holds it
    assert f"{case.number}" in verify_fails() and "owner" in verify_fails()


def test_deleted_last_event_and_rewound_head_shows_against_the_anchor(cases, tmp_path):
    anchor = tmp_path / "heads.tsv"
    assert "written to" in verify("--export-heads", str(anchor))
    rewind(cases[1], 3)
    verify()  # the shorter chain is whole in itself: only the anchor can show it
    message = verify_fails("--against", str(anchor))
    assert f"{cases[1].number} event 4" in message and "shorter" in message
    assert cases[0].number not in message
    assert cases[1].number in verify_fails("--since-anchor", str(anchor))


def test_a_rewound_chain_that_grew_again_shows_against_the_anchor(cases, tmp_path, hotel):
    anchor = tmp_path / "heads.tsv"
    verify("--export-heads", str(anchor))
    rewind(cases[0], 3)
    actions.add_note(actor=hotel.frontdesk, case_id=cases[0].pk, text="另一条备注", now=MONDAY_10)
    for mode in ("--against", "--since-anchor"):
        message = verify_fails(mode, str(anchor))
        assert f"{cases[0].number} event 4" in message and "anchored head" in message


def test_a_vanished_case_shows_against_the_anchor(cases, tmp_path):
    anchor = tmp_path / "heads.tsv"
    verify("--export-heads", str(anchor))
    gone = cases[2]
    for model in (CaseEvent, CaseParty, Clock, Lateness, Attachment):
        model.objects.filter(case=gone).delete()
    Case.objects.filter(pk=gone.pk).delete()
    verify()
    for mode in ("--against", "--since-anchor"):
        message = verify_fails(mode, str(anchor))
        assert gone.number in message and "gone" in message


def test_since_anchor_checks_only_what_changed_and_anchors_again(cases, tmp_path, hotel):
    first, second = tmp_path / "1.tsv", tmp_path / "2.tsv"
    verify("--export-heads", str(first))
    actions.add_note(actor=hotel.frontdesk, case_id=cases[0].pk, text="补充说明", now=MONDAY_10)
    after_stay_case(hotel, subject="新投诉")
    out = verify("--since-anchor", str(first), "--export-heads", str(second))
    assert "2 case(s) changed" in out and "2 unchanged" in out
    assert "0 case(s) changed" in verify("--since-anchor", str(second))
    # An edit the incremental check does not look at (an old event of an unchanged case) is
    # left to the full check, which still finds it.
    CaseEvent.objects.filter(case=cases[1], seq=3).update(note="改过")
    assert "0 case(s) changed" in verify("--since-anchor", str(second))
    assert f"{cases[1].number} event 3" in verify_fails("--against", str(second))


def test_an_event_deleted_behind_an_unchanged_head_shows_in_the_incremental_check(cases, tmp_path):
    anchor = tmp_path / "heads.tsv"
    verify("--export-heads", str(anchor))
    CaseEvent.objects.filter(case=cases[1], seq=4).delete()  # the head still names it
    assert "event rows" in verify_fails("--since-anchor", str(anchor))


def test_a_broken_chain_is_not_anchored(cases, tmp_path):
    anchor = tmp_path / "heads.tsv"
    CaseEvent.objects.filter(case=cases[0], seq=2).update(note="改过")
    verify_fails("--export-heads", str(anchor))
    assert not anchor.exists()


def test_an_anchor_of_another_key_or_a_damaged_one_is_refused_in_one_line(cases, tmp_path, settings):
    anchor = tmp_path / "heads.tsv"
    verify("--export-heads", str(anchor))
    settings.TOUSU_CHAIN_KEY = "another-key"
    assert "another chain key" in verify_fails("--against", str(anchor))
    damaged = tmp_path / "damaged.tsv"
    damaged.write_text(json.dumps({"format": "tousu-chain-heads", "cases": 3}) + "\nnot a line\n")
    assert "damaged" in verify_fails("--against", str(damaged))
    assert "Cannot read" in verify_fails("--against", str(tmp_path / "missing.tsv"))


def test_without_a_key_the_check_and_the_actions_stop_with_one_clear_line(hotel, settings, tmp_path):
    settings.TOUSU_CHAIN_KEY = ""
    settings.TOUSU_CHAIN_KEY_PATH = tmp_path / "chain_key"
    assert "TOUSU_CHAIN_KEY" in verify_fails()
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="TOUSU_CHAIN_KEY"):
        after_stay_case(hotel)
    # The demo's key file is found when no key is set.
    (tmp_path / "chain_key").write_text("a-key-in-the-data-folder\n")
    case = after_stay_case(hotel)
    assert "1 cases" in verify()
    settings.TOUSU_CHAIN_KEY = "a-key-in-the-data-folder"
    assert f"({Case.objects.count()} cases" in verify() and case.number


def test_rekey_keys_whole_old_chains_and_leaves_broken_ones(cases):
    """Chains written before the key (plain SHA-256) are keyed once by --rekey, after a check;
    the event names of a person are replaced by commitments on the way."""
    for case in cases:
        prev = ""
        for event in CaseEvent.objects.filter(case=case).order_by("seq"):
            digest = legacy_hash(case_id=case.pk, seq=event.seq, actor_id=event.actor_id, at=event.at,
                                 action=event.action, old=event.old, new=event.new, note=event.note,
                                 prev_hash=prev)
            CaseEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
            prev = digest
        Case.objects.filter(pk=case.pk).update(last_event_hash=prev, personal_salt="")
    CaseEvent.objects.filter(case=cases[2], seq=3).update(note="改过")  # tampered before the upgrade
    assert "content changed" in verify_fails()
    message = verify_fails("--rekey")
    assert cases[2].number in message and cases[0].number not in message and cases[1].number not in message
    assert Case.objects.exclude(personal_salt="").count() == 2


def test_verify_reads_in_batches_of_whole_chains(cases, hotel, django_assert_max_num_queries):
    """Two queries a batch, however many cases it holds (no query per case)."""
    for subject in ("床单不干净", "热水不热", "噪音大"):
        after_stay_case(hotel, subject=subject)
    from tousu.cases import chain

    with django_assert_max_num_queries(4):  # one batch of cases, its events, the empty next batch
        result = chain.verify(batch=1000)
    assert result.checked == 6 and result.events == 18 and not result.broken


def test_the_demo_writes_its_own_chain_key_once(db, settings, tmp_path):
    settings.TOUSU_CHAIN_KEY = ""
    settings.DATA_DIR = tmp_path
    settings.TOUSU_CHAIN_KEY_PATH = tmp_path / "chain_key"
    call_command("demo", preset="hotel", setup_only=True, stdout=StringIO())
    key = (tmp_path / "chain_key").read_text()
    assert len(key.strip()) >= 40 and (tmp_path / "chain_key").stat().st_mode & 0o777 == 0o600
    assert "12 cases" in verify()
    call_command("demo", preset="hotel", setup_only=True, stdout=StringIO())
    assert (tmp_path / "chain_key").read_text() == key
