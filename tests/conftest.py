"""The cast every test uses: each preset's own people (see [[demo.people]] in the presets)
plus an outsider with no membership at all."""

import os
from types import SimpleNamespace

import pytest

from tests.browser import browser, page  # noqa: F401  (one Playwright for the whole session)
from tousu.org.models import Unit
from tousu.org.services import apply_preset, create_person, create_preset_people


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _org(preset: str) -> SimpleNamespace:
    apply_preset(preset)
    people = create_preset_people(password="pw")
    units = {u.code: u for u in Unit.objects.all()}
    from django.contrib.auth import get_user_model

    stranger = get_user_model().objects.create_user("stranger", password="pw")
    return SimpleNamespace(preset=preset, units=units, stranger=stranger, **people)


@pytest.fixture
def hotel(db):
    return _org("hotel")


@pytest.fixture
def bank(db):
    return _org("bank")


@pytest.fixture
def telecom(db):
    return _org("telecom")


@pytest.fixture
def cg(db):
    """The procurement preset: a finance department's 承办人, 处长 and 厅领导 (cg_*)."""
    return _org("procurement")


__all__ = ["create_person"]


# The event chains' key (tousu/cases/events.py): set for this process and for the processes
# tests start (the demo, gunicorn, workers), as an operator sets TOUSU_CHAIN_KEY.
TEST_CHAIN_KEY = "test-chain-key-not-for-production"
os.environ.setdefault("TOUSU_CHAIN_KEY", TEST_CHAIN_KEY)


@pytest.fixture(autouse=True)
def _chain_key(settings):
    settings.TOUSU_CHAIN_KEY = os.environ["TOUSU_CHAIN_KEY"]


@pytest.fixture
def regulator(db):
    return _org("regulator")


@pytest.fixture
def hotline(db):
    return _org("hotline")
