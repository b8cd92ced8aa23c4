"""A preset with a mistake is refused, each mistake named by the file that made it, the full
dotted key and the wrong value. Every file here extends the shipped hotel preset and changes
one thing (no database)."""

import re

import pytest

from tousu.domain.preset import check_file

ACTIONS = "kinds.complaint.actions"
CLOCKS = "kinds.complaint.clocks"


def write(tmp_path, body: str, name: str = "broken.toml", extends: str = "hotel"):
    path = tmp_path / name
    path.write_text(f'extends = "{extends}"\n{body}', encoding="utf-8")
    return path


def clock(**keys) -> str:
    """One clock, replacing hotel's list (lists are replaced, not joined), beside the re-review
    clock the hotel's `close` names (so that only the clock under test is wrong)."""
    spec = {"name": '"c"', "amount": "2", "start_on": '["accept"]', **keys}
    return ("[[kinds.complaint.clocks]]\n" + "".join(f"{k} = {x}\n" for k, x in spec.items())
            + '[[kinds.complaint.clocks]]\nname = "review_request"\namount = 1\nstart_on = ["request_review"]\n')


def test_the_hotel_preset_and_a_file_extending_it_unchanged_are_good(tmp_path):
    assert check_file("tousu/presets/hotel.toml") == []
    assert check_file(write(tmp_path, "")) == []


# (what the file says, the dotted key named, the wrong value named)
MISTAKES = [
    pytest.param('[kinds.complaint.actions.accept]\nto = "limbo"\n',
                 f"{ACTIONS}.accept.to", "'limbo'", id="action to an unknown state"),
    pytest.param('[kinds.complaint.actions.accept]\nfrom = ["received", "nowhere"]\n',
                 f"{ACTIONS}.accept.from.1", "'nowhere'", id="action from an unknown state"),
    pytest.param('[kinds.complaint.actions.accept]\nroles = ["owner", "ghost"]\n',
                 f"{ACTIONS}.accept.roles", "'ghost'", id="unknown role in an action"),
    pytest.param('[kinds.complaint.actions.accept]\ncolour = "red"\n',
                 f"{ACTIONS}.accept.colour", "'colour'", id="unknown action key"),
    pytest.param('[kinds.complaint.actions.accept]\nthen = "celebrate"\n',
                 f"{ACTIONS}.accept.then", "'celebrate'", id="then names an unknown action"),
    pytest.param('[kinds.complaint.actions.reply]\nrequires = [{ guard = "moon_full" }]\n',
                 f"{ACTIONS}.reply.requires.0.guard", "'moon_full'", id="unknown guard"),
    pytest.param('[kinds.complaint.actions.reply]\nrequires = [{ guard = "field_set" }]\n',
                 f"{ACTIONS}.reply.requires.0.field", "field_set needs 'field'",
                 id="guard missing its parameter"),
    pytest.param('[kinds.complaint.actions.reply]\n'
                 'requires = [{ guard = "field_set", field = "reply", colour = "red" }]\n',
                 f"{ACTIONS}.reply.requires.0.colour", "'colour'", id="guard with a stray parameter"),
    pytest.param(clock(when='{ level = 7 }'), f"{CLOCKS}.0.when.level", "7", id="a clock on an unknown level"),
    pytest.param('[kinds.complaint.actions.accept]\neffects = [{ escalate = {}, when = { level = 7 } }]\n',
                 f"{ACTIONS}.accept.effects.0.when.level", "7", id="an effect on an unknown level"),
    pytest.param('[kinds.complaint.actions.accept]\neffects = [{ escalate = {}, when = { colour = "red" } }]\n',
                 f"{ACTIONS}.accept.effects.0.when.colour", "", id="an effect on something not a case fact"),
    pytest.param(clock(when='{ category = "weather" }'), f"{CLOCKS}.0.when.category", "'weather'",
                 id="a clock on an unknown category"),
    pytest.param(clock(due_from='"subject"'), f"{CLOCKS}.0.due_from", "'subject'",
                 id="a clock due at something not a time"),
    pytest.param(clock(start_from='"received_at"'), f"{CLOCKS}.0.start_from", "'received_at'",
                 id="a clock counting from something no step records as a day"),
    pytest.param('[kinds.complaint.actions.accept]\neffects = [{ document = { name = "letter" } }]\n',
                 f"{ACTIONS}.accept.effects.0.document.name", "'letter'", id="a document the kind lacks"),
    pytest.param('[kinds.complaint.documents.letter]\ntitle = "答复函"\n',
                 "kinds.complaint.documents.letter.body", "title and a body", id="a document without a body"),
    pytest.param('[kinds.complaint.actions.accept]\neffects = [{ teleport = {} }]\n',
                 f"{ACTIONS}.accept.effects.0.teleport", "'teleport'", id="unknown effect"),
    pytest.param('[kinds.complaint.actions.escalate]\neffects = [{ escalate = { reason = "why" } }]\n',
                 f"{ACTIONS}.escalate.effects.0.escalate.reason", "'why'",
                 id="effect names an input the action lacks"),
    pytest.param('[kinds.complaint.actions.accept]\n'
                 'effects = [{ set = { promised_reply_at = "$input.promise" } }]\n',
                 f"{ACTIONS}.accept.effects.0.set.promised_reply_at", "'promise'",
                 id="set from an input the action lacks"),
    pytest.param('[kinds.complaint.actions.accept]\neffects = [{ set = { colour = "red" } }]\n',
                 f"{ACTIONS}.accept.effects.0.set.colour", "'colour'", id="set of a field not settable"),
    pytest.param('[kinds.complaint.actions.accept]\neffects = [{ set = 5 }]\n',
                 f"{ACTIONS}.accept.effects.0.set", "must be a table", id="set of no table"),
    pytest.param('[kinds.complaint.actions.reopen]\neffects = [{ increment = { field = "colour" } }]\n',
                 f"{ACTIONS}.reopen.effects.0.increment.field", "'colour'",
                 id="increment of a field not settable"),
    pytest.param('[kinds.complaint.actions.transfer]\neffects = [{ transfer = { plan = "plan" } }]\n',
                 f"{ACTIONS}.transfer.effects.0.transfer.unit", "transfer needs 'unit'",
                 id="effect missing its parameter"),
    pytest.param('[kinds.complaint.actions.reply]\neffects = [{ notify = { to = "janitor" } }]\n',
                 f"{ACTIONS}.reply.effects.0.notify.to", "'janitor'", id="notify to an unknown role"),
    pytest.param('[kinds.complaint.actions.note]\ninputs = [{ name = "text", type = "slider" }]\n',
                 f"{ACTIONS}.note.inputs.0.type", "'slider'", id="input of unknown type"),
    pytest.param('[kinds.complaint.actions.record_callback.branches.angry]\nto = "in_progress"\n',
                 f"{ACTIONS}.record_callback.branches.angry", "'angry'", id="branch for an unknown outcome"),
    pytest.param(clock(unit='"fortnights"'), f"{CLOCKS}.0.unit", "'fortnights'", id="unknown clock unit"),
    pytest.param(clock(start_on='["level:9"]'), f"{CLOCKS}.0.start_on.0", "'level:9'",
                 id="clock event naming no level"),
    pytest.param(clock(stop_on='["approval:refund:granted"]'), f"{CLOCKS}.0.stop_on.0",
                 "'approval:refund:granted'", id="clock event naming no approval chain"),
    pytest.param(clock(stop_on='["breach:nothing"]'), f"{CLOCKS}.0.stop_on.0", "'breach:nothing'",
                 id="clock event naming no clock"),
    pytest.param(clock(on_breach='"explode"'), f"{CLOCKS}.0.on_breach", "'explode'",
                 id="on_breach names an unknown action"),
    pytest.param('[kinds.complaint.approvals.refund]\nsteps = [{ role = "ghost" }]\n',
                 "kinds.complaint.approvals.refund.steps.0.role", "'ghost'",
                 id="approval step with an unknown role"),
    pytest.param('[kinds.complaint.parties.witness]\nlabel = "证人"\ncomplainant = true\n',
                 "kinds.complaint.parties", "complainant, witness", id="two complainant party roles"),
    pytest.param('[kinds.complaint.states]\nclosed = { ended = false }\nwithdrawn = { ended = false }\n'
                 'rejected = { ended = false }\n',
                 "kinds.complaint.states", "at least one ended state", id="a kind with no ended state"),
    pytest.param('[kinds.complaint.categories.a]\nlabel = "A"\nchildren = { b = { label = "B", children = '
                 '{ c = { label = "C", children = { d = "D" } } } } }\n',
                 "kinds.complaint.categories.a.children.b.children.c.children", "three levels deep",
                 id="categories four levels deep"),
    pytest.param("[kinds.complaint]\ndefault_level = 7\n", "kinds.complaint.default_level", "not one of",
                 id="default level not a level"),
    pytest.param('[ladder]\nsteps = [{ role = "staff" }, { role = "janitor" }]\n', "ladder.steps.1.role",
                 "'janitor'", id="ladder step with an unknown role"),
    pytest.param('colour = "blue"\n', "colour", "'colour'", id="unknown top-level key"),
    pytest.param('organisation = "示例酒店"\n', "organisation", "must be a table",
                 id="a table written as text"),
    pytest.param('[kinds.complaint.imports]\nreply = [{ action = "teleport" }]\n',
                 "kinds.complaint.imports.reply.0.action", "'teleport'", id="an import step's unknown action"),
    pytest.param('[kinds.complaint.imports]\nreply = [{ action = "reply", inputs = { words = "$reply" } }]\n',
                 "kinds.complaint.imports.reply.0.inputs.words", "'words'",
                 id="an import step's input the action lacks"),
    pytest.param('[kinds.complaint.imports]\nreply = [{ action = "reply", inputs = { text = "$answer" } }]\n',
                 "kinds.complaint.imports.reply.0.inputs.text", "'$answer'", id="an import step's unknown value"),
    pytest.param('[kinds.complaint.imports]\nreplies = []\n', "kinds.complaint.imports.replies", "'replies'",
                 id="an unknown imports key"),
    pytest.param('[kinds.complaint.actions.note]\neffects = [{ merge = { case = "other", action = "note" } }]\n',
                 f"{ACTIONS}.note.effects.0.merge.case", "'other'", id="merge from an input the action lacks"),
    pytest.param('[kinds.complaint.actions.reply]\neffects = [{ cascade = { action = "echo" } }]\n',
                 f"{ACTIONS}.reply.effects.0.cascade.action", "'echo'", id="cascade to an unknown action"),
]


@pytest.mark.parametrize("body, key, wrong", MISTAKES)
def test_a_mistake_names_the_file_the_key_and_the_value(tmp_path, body, key, wrong):
    problems = check_file(write(tmp_path, body))
    named = [line.removeprefix(f"broken.toml: {key}: ") for line in problems
             if line.startswith(f"broken.toml: {key}: ")]
    assert len(named) == 1 and wrong in named[0], problems


def test_every_mistake_in_a_file_is_reported(tmp_path):
    body = ('colour = "blue"\n'
            '[kinds.complaint.actions.accept]\nto = "limbo"\nroles = ["ghost"]\n'
            '[kinds.complaint.actions.reply]\nrequires = [{ guard = "moon_full" }]\n'
            + clock(unit='"fortnights"'))
    problems = check_file(write(tmp_path, body))
    assert [line.split(": ")[1] for line in problems] == [
        "colour", f"{ACTIONS}.accept.to", f"{ACTIONS}.accept.roles", f"{ACTIONS}.reply.requires.0.guard",
        f"{CLOCKS}.0.unit"]
    assert all(line.startswith("broken.toml: ") for line in problems)
    for wrong in ("'colour'", "'limbo'", "'ghost'", "'moon_full'", "'fortnights'"):
        assert any(wrong in line for line in problems), wrong


def test_a_mistake_is_named_in_the_file_that_made_it(tmp_path):
    """A mistake made by the file in the middle is its own, not the file that extends it."""
    write(tmp_path, '[kinds.complaint.actions.accept]\nto = "limbo"\n', name="middle.toml")
    top = write(tmp_path, '[organisation]\nname = "另一家酒店"\n', name="top.toml", extends="middle")
    assert check_file(top) == [f"middle.toml: {ACTIONS}.accept.to: unknown state 'limbo'"]


def test_a_key_the_file_leaves_alone_is_named_in_the_file_that_set_it(tmp_path):
    """Replacing an action's inputs breaks the `note` _complaint.toml gave it: that key is
    _complaint.toml's; the inputs that broke it are this file's."""
    path = write(tmp_path, '[kinds.complaint.actions.attach]\ninputs = [{ name = "files", type = "files" }]\n')
    assert check_file(path) == [f"_complaint.toml: {ACTIONS}.attach.note: the action has no input 'note'"]


def test_an_unknown_preset_to_extend_is_named_in_the_extending_file(tmp_path):
    problems = check_file(write(tmp_path, "", extends="hotle"))
    [problem] = problems
    assert re.fullmatch(r"broken\.toml: extends: unknown preset 'hotle'; known presets: bank, hotel, (\w+, )*telecom",
                        problem), problem


def test_a_local_file_may_extend_the_shipped_preset_of_its_own_name(tmp_path):
    assert check_file(write(tmp_path, "", name="hotel.toml")) == []


def test_files_extending_each_other_are_refused(tmp_path):
    write(tmp_path, "", name="a.toml", extends="b")
    write(tmp_path, "", name="b.toml", extends="a")
    assert check_file(tmp_path / "a.toml") == ["b.toml: extends: 'a' extends b.toml in turn"]


def test_a_file_that_is_not_toml_is_named(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('extends = "hotel"\n[roles.staff\n', encoding="utf-8")
    [problem] = check_file(path)
    assert problem.startswith("broken.toml: ")


def test_a_kind_without_the_actions_the_engine_takes_is_refused(tmp_path):
    body = ('[kinds.inquiry]\nlabel = "咨询"\nnumber_prefix = "ZX"\n'
            '[kinds.inquiry.states]\nopen = "处理中"\ndone = { label = "已办结", ended = true }\n'
            '[kinds.inquiry.actions.answer]\nfrom = ["open"]\nto = "done"\nroles = ["owner"]\n')
    assert [line.split(": ")[1] for line in check_file(write(tmp_path, body))] == [
        "kinds.inquiry.actions.register", "kinds.inquiry.actions.clock"]
    body += ('[kinds.inquiry.actions.register]\nfrom = ["new"]\nto = "open"\nroles = ["member"]\n'
             '[kinds.inquiry.actions.clock]\nfrom = ["open", "done"]\n')
    assert check_file(write(tmp_path, body)) == []


@pytest.mark.parametrize("prefix, problems", [
    ("$input.respondent_", []),
    ("respondent_", []),
    ("$input.other_", [f"broken.toml: {ACTIONS}.name_respondent.effects.0.add_party.from: "
                       "the action has no input 'other_name' (the party's name)"]),
])
def test_add_party_reads_the_inputs_its_prefix_names(tmp_path, prefix, problems):
    body = ('[kinds.complaint.parties.respondent]\nlabel = "被投诉人"\n'
            '[kinds.complaint.actions.name_respondent]\nfrom = ["received"]\nroles = ["owner"]\n'
            'inputs = [{ name = "respondent_name", type = "text" }, { name = "respondent_phone", type = "text" }]\n'
            f'effects = [{{ add_party = {{ role = "respondent", from = "{prefix}" }} }}]\n')
    assert check_file(write(tmp_path, body)) == problems


def test_extends_with_a_suffix_is_found_beside_the_file(tmp_path):
    """`extends = "base.toml"` means the file beside it, wherever the checker runs from."""
    (tmp_path / "base.toml").write_text('extends = "hotel"\n', encoding="utf-8")
    child = write(tmp_path, "", name="child.toml", extends="base.toml")
    assert check_file(child) == []
