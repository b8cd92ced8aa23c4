"""docs/presets.md names, as `code`, every word the preset loader accepts: a key added to
vocabulary.py without documentation fails here. Its worked example is a good preset."""

import re
from pathlib import Path

import pytest

from tousu.domain import vocabulary as v
from tousu.domain.preset import check_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "presets.md"
TEXT = DOC.read_text(encoding="utf-8")
CODE = set(re.findall(r"`([^`\n]+)`", TEXT))  # everything written `like this`


def _words() -> dict[str, list[str]]:
    groups = {name: sorted(getattr(v, name)) for name in dir(v) if name.endswith("_KEYS")}
    groups["GUARD_COMMON"] = sorted(v.GUARD_COMMON)
    groups["INPUT_TYPES"] = list(v.INPUT_TYPES)
    groups["GUARDS"] = list(v.GUARDS)
    groups |= {f"GUARDS[{name}]": list(params) for name, params in v.GUARDS.items()}
    groups["EFFECTS"] = list(v.EFFECTS)
    groups |= {f"EFFECTS[{name}]": list(params) for name, params in v.EFFECTS.items()}
    groups["CLOCK_UNITS"] = list(v.CLOCK_UNITS)
    groups["PSEUDO_ROLES"] = sorted(v.PSEUDO_ROLES | {v.SYSTEM, v.NEW})
    groups["ROLE_FLAGS"] = list(v.ROLE_FLAGS)
    groups["PARTY_KINDS"] = list(v.PARTY_KINDS)
    groups["PARTY_FIELDS"] = list(v.PARTY_FIELDS)
    groups["SETTABLE_FIELDS"] = sorted(v.SETTABLE_FIELDS)
    return groups


WORDS = _words()


def test_every_keys_set_is_covered():
    """The *_KEYS sets are found by name, so a new one is checked without editing this test."""
    assert {"TOP_KEYS", "KIND_KEYS", "ACTION_KEYS", "STATE_KEYS", "CLOCK_KEYS", "ROLE_KEYS",
            "PARTY_KEYS", "APPROVAL_KEYS", "STEP_KEYS", "BRANCH_KEYS", "INPUT_KEYS",
            "FIGURE_KEYS"} <= WORDS.keys()


@pytest.mark.parametrize("group", sorted(WORDS))
def test_every_word_is_documented_as_code(group):
    missing = [word for word in WORDS[group] if word not in CODE]
    assert missing == [], f"document {group} in docs/presets.md, written `like this`: {missing}"


@pytest.mark.parametrize("form", ["ACTION", "ACTION:OUTCOME", "level:VALUE", "approval:CHAIN:requested",
                                  "approval:CHAIN:granted", "approval:CHAIN:sent_back", "approval:CHAIN:N",
                                  "breach:CLOCK"])
def test_every_clock_event_form_is_documented(form):
    assert form in CODE


def test_the_worked_example_is_a_good_preset(tmp_path):
    example = re.search(r"```toml\n(# grand-hotel\.toml\nextends = .*?)```", TEXT, re.S)
    assert example, "the worked example (a toml block starting '# grand-hotel.toml') is missing"
    path = tmp_path / "grand-hotel.toml"
    path.write_text(example.group(1), encoding="utf-8")
    assert check_file(path) == []
