from tests.browser import browser, page  # noqa: F401  (Playwright fixtures for the browser tests)
