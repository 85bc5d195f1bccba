import pytest

from orders.tests.pages import log_in, shift_open


@pytest.fixture
def cashier(lab, client):
    """A test client signed in as c1 (branch A1) with an open shift."""
    log_in(client, "c1")
    shift_open(client)
    return client
