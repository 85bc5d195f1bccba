import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Seeding the lab hashes seven passwords and every test logs in: the
    # production hasher's cost would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs collectstatic first; view tests only need
    # the URLs.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
