import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _portal(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The rate limits count in the cache. The database cache is rolled back or flushed with each
    # test; another (Redis, where REDIS_URL is set) keeps its counts, so it is emptied.
    def clear():
        if "DatabaseCache" not in settings.CACHES["default"]["BACKEND"]:
            cache.clear()

    clear()
    yield
    clear()
