import pytest

from orders.tests.pages import log_in, shift_open


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Seeding the lab hashes seven passwords and every test logs in: the
    # production hasher's cost would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs collectstatic first; view tests only need
    # the URLs. The browser test serves the collected files for real.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture
def cashier(lab, client):
    """A test client signed in as c1 (branch A1) with an open shift."""
    log_in(client, "c1")
    shift_open(client)
    return client
