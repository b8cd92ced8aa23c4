import pytest

from .helpers import bank, env_for, throwaway_database


@pytest.fixture(scope="session")
def bank_template(tmp_path_factory):
    """(DATABASE_URL, teller's token) of a database migrated with the bank preset, made once."""
    tmp = tmp_path_factory.mktemp("bank-template")
    with throwaway_database(tmp) as url:
        yield url, bank(env_for(url, tmp))["token"]
