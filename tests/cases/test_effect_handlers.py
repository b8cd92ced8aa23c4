"""Every effect a preset may name has its handler once the apps are loaded, and every field an
effect may set is a column of the case."""

from tousu.cases import effects
from tousu.cases.models import Case
from tousu.domain.vocabulary import EFFECTS, SETTABLE_FIELDS


def test_every_effect_of_the_vocabulary_has_a_handler():
    assert set(EFFECTS) == set(effects.HANDLERS)


def test_every_settable_field_is_a_column_of_the_case():
    columns = {field.name for field in Case._meta.concrete_fields}
    assert SETTABLE_FIELDS <= columns, sorted(SETTABLE_FIELDS - columns)
