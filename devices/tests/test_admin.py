"""Devices in the admin: the key shown once, revoke, no delete."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from devices.models import Device
from devices.selectors import device_for_key
from devices.tests.conftest import device_for
from kasserpro.tenancy import scopes_disabled
from kasserpro.tests.admin_support import PLAIN_STATIC, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STATIC


def test_device_admin_add_shows_working_key_once(lab):
    admin_a = client_for(lab.user("admin-a"))

    response = admin_a.post(
        reverse("admin:devices_device_add"),
        {"name": "D1", "branch": lab.branches["A1"].pk},
        follow=True,
    )

    assert response.status_code == 200
    message = next(m for m in response.context["messages"] if "Key of" in str(m))
    key = str(message).rsplit(" ", 1)[-1]
    assert key in response.content.decode()  # shown on the page after adding
    device = device_for_key(key=key)
    assert (device.name, device.branch, device.tenant) == (
        "D1",
        lab.branches["A1"],
        lab.tenant_a,
    )
    again = admin_a.get(reverse("admin:devices_device_change", args=[device.pk]))
    assert key not in again.content.decode()  # and never again


def test_device_admin_add_refuses_other_tenants_branch(lab):
    response = client_for(lab.user("admin-a")).post(
        reverse("admin:devices_device_add"),
        {"name": "D1", "branch": lab.branches["B1"].pk},
    )

    assert response.status_code == 200  # the form again, with an error
    with scopes_disabled():
        assert not Device.objects.exists()


def test_device_admin_revoke_action_revokes_and_delete_is_refused(lab):
    device, key = device_for(lab, "A1")
    admin_a = client_for(lab.user("admin-a"))

    admin_a.post(
        reverse("admin:devices_device_changelist"),
        {"action": "revoke", "_selected_action": [device.pk]},
    )
    deleting = admin_a.post(
        reverse("admin:devices_device_delete", args=[device.pk]), {"post": "yes"}
    )

    assert device_for_key(key=key) is None
    assert deleting.status_code == 403
    with scopes_disabled():
        assert Device.objects.filter(pk=device.pk).exists()


def test_device_admin_manager_views_but_cannot_add(lab):
    manager = User.objects.create_user(
        username="manager-a",
        password="x-manager-pass-1",
        tenant=lab.tenant_a,
        home_branch=lab.branches["A1"],
        role=Role.MANAGER,
        is_staff=True,
    )
    client = client_for(manager)

    assert client.get(reverse("admin:devices_device_changelist")).status_code == 200
    assert client.get(reverse("admin:devices_device_add")).status_code == 403
