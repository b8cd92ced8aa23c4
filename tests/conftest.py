"""The cast every test uses: each preset's own people (see [[demo.people]] in the presets)
plus an outsider with no membership at all."""

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


__all__ = ["create_person"]


@pytest.fixture
def regulator(db):
    return _org("regulator")


@pytest.fixture
def hotline(db):
    return _org("hotline")
