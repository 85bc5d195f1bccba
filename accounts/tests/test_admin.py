"""The user and tenant admins: who may manage whom, and nothing beyond."""

import pytest
from django.test import Client

from accounts.models import Role, Tenant, User
from kasserpro.tests.admin_support import PLAIN_STATIC, client_for, platform_superuser

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"
TENANTS = "/admin/accounts/tenant/"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STATIC


@pytest.fixture
def manager(lab) -> User:
    user = User(
        username="m-a",
        tenant=lab.tenant_a,
        home_branch=lab.branches["A1"],
        role=Role.MANAGER,
    )
    user.set_password("manager-pass-1")
    user.save()
    return user


def _change_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "home_branch": user.home_branch_id or "",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_user_save_seeded_roles_staff_in_step(lab):
    assert lab.user("admin-a").is_staff
    assert lab.user("admin-b").is_staff
    assert not any(lab.user(name).is_staff for name in ["c1", "c2", "c3", "c4", "c5"])


def test_user_save_role_change_moves_staff_flag(lab):
    cashier = lab.user("c1")

    cashier.role = Role.MANAGER
    cashier.save(update_fields=["role"])
    promoted = _fresh(cashier).is_staff
    cashier.role = Role.CASHIER
    cashier.save()

    assert promoted is True
    assert _fresh(cashier).is_staff is False


def test_user_save_tenant_user_never_superuser(lab):
    admin_a = lab.user("admin-a")

    admin_a.is_superuser = True
    admin_a.save()

    assert _fresh(admin_a).is_superuser is False


def test_user_admin_changelist_tenant_admin_lists_own_users(lab):
    response = client_for(lab.user("admin-a")).get(USERS)

    names = {user.username for user in response.context["cl"].result_list}
    assert names == {"admin-a", "c1", "c2", "c3"}


def test_user_admin_add_tenant_admin_creates_user_in_own_tenant(lab):
    client = client_for(lab.user("admin-a"))

    response = client.post(
        f"{USERS}add/",
        {
            "username": "c9",
            "usable_password": "true",
            "password1": "long-enough-pass-9",
            "password2": "long-enough-pass-9",
            "role": Role.MANAGER,
            "home_branch": lab.branches["A2"].pk,
            "new_pin": "4321",
            "tenant": lab.tenant_b.pk,
            "is_superuser": "on",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    created = User.objects.get(username="c9")
    assert created.tenant_id == lab.tenant_a.pk
    assert created.home_branch_id == lab.branches["A2"].pk
    assert (created.is_staff, created.is_superuser) == (True, False)
    assert created.check_password("long-enough-pass-9")
    assert created.check_pin("4321")


def test_user_admin_add_home_branch_of_other_tenant_refused(lab):
    client = client_for(lab.user("admin-a"))

    response = client.post(
        f"{USERS}add/",
        {
            "username": "c9",
            "usable_password": "true",
            "password1": "long-enough-pass-9",
            "password2": "long-enough-pass-9",
            "role": Role.CASHIER,
            "home_branch": lab.branches["B1"].pk,
        },
    )

    assert response.status_code == 200
    assert "home_branch" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="c9").exists()


def test_user_admin_add_platform_superuser_cannot_mix_tenants(lab):
    client = client_for(platform_superuser())

    response = client.post(
        f"{USERS}add/",
        {
            "username": "c9",
            "usable_password": "true",
            "password1": "long-enough-pass-9",
            "password2": "long-enough-pass-9",
            "tenant": lab.tenant_a.pk,
            "role": Role.CASHIER,
            "home_branch": lab.branches["B1"].pk,
        },
    )

    assert response.status_code == 200
    assert "home_branch" in response.context["adminform"].form.errors
    assert not User.objects.filter(username="c9").exists()


def test_user_admin_change_tenant_admin_cannot_move_or_crown_user(lab):
    cashier = lab.user("c1")
    client = client_for(lab.user("admin-a"))

    response = client.post(
        f"{USERS}{cashier.pk}/change/",
        _change_data(
            cashier,
            role=Role.MANAGER,
            new_pin="2468",
            tenant=lab.tenant_b.pk,
            is_superuser="on",
            is_staff=None,
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    changed = _fresh(cashier)
    assert changed.tenant_id == lab.tenant_a.pk
    assert changed.role == Role.MANAGER
    assert (changed.is_staff, changed.is_superuser) == (True, False)
    assert changed.check_pin("2468")


def test_user_admin_password_tenant_admin_sets_own_users_password(lab):
    cashier = lab.user("c1")
    client = client_for(lab.user("admin-a"))

    response = client.post(
        f"{USERS}{cashier.pk}/password/",
        {
            "usable_password": "true",
            "password1": "brand-new-pass-1",
            "password2": "brand-new-pass-1",
        },
    )

    assert response.status_code == 302
    assert _fresh(cashier).check_password("brand-new-pass-1")


def test_user_admin_password_other_tenant_user_not_found(lab):
    cashier = lab.user("c1")
    client = client_for(lab.user("admin-b"))

    response = client.post(
        f"{USERS}{cashier.pk}/password/",
        {"password1": "brand-new-pass-1", "password2": "brand-new-pass-1"},
    )

    assert response.status_code == 404
    assert _fresh(cashier).check_password("kasserpro-demo")


def test_user_admin_role_manager_cannot_grant_admin(lab, manager):
    client = client_for(manager)
    cashier = lab.user("c1")

    own = client.post(
        f"{USERS}{manager.pk}/change/", _change_data(manager, role=Role.ADMIN)
    )
    other = client.post(
        f"{USERS}{cashier.pk}/change/", _change_data(cashier, role=Role.ADMIN)
    )

    for response in (own, other):
        assert response.status_code == 200
        assert "role" in response.context["adminform"].form.errors
    assert _fresh(manager).role == Role.MANAGER
    assert _fresh(cashier).role == Role.CASHIER


def test_user_admin_manager_cannot_change_admin(lab, manager):
    admin_a = lab.user("admin-a")
    client = client_for(manager)

    view = client.get(f"{USERS}{admin_a.pk}/change/")
    change = client.post(
        f"{USERS}{admin_a.pk}/change/", _change_data(admin_a, role=Role.CASHIER)
    )
    password = client.post(
        f"{USERS}{admin_a.pk}/password/",
        {"password1": "takeover-pass-1", "password2": "takeover-pass-1"},
    )

    assert view.status_code == 200
    assert not view.context["has_change_permission"]
    assert (change.status_code, password.status_code) == (403, 403)
    assert _fresh(admin_a).role == Role.ADMIN
    assert _fresh(admin_a).check_password("kasserpro-demo")


def test_user_admin_manager_changes_cashier(lab, manager):
    cashier = lab.user("c1")

    response = client_for(manager).post(
        f"{USERS}{cashier.pk}/change/",
        _change_data(cashier, home_branch=lab.branches["A2"].pk),
    )

    assert response.status_code == 302
    assert _fresh(cashier).home_branch_id == lab.branches["A2"].pk


def test_user_admin_platform_superuser_sees_every_user(lab):
    client = client_for(platform_superuser())

    response = client.get(USERS, {"all": ""})

    assert response.context["cl"].result_count == User.objects.count()
    assert "tenant" in client.get(f"{USERS}add/").context["adminform"].form.fields


def test_tenant_admin_tenant_admin_edits_own_settings(lab):
    client = client_for(lab.user("admin-a"))
    url = f"{TENANTS}{lab.tenant_a.pk}/change/"

    response = client.post(
        url,
        {
            "name": "Renamed A",
            "slug": "hijacked",
            "prices_include_tax": "on",
            "discount_approval_percent": "15.00",
            "currency": "EGP",
        },
    )

    assert response.status_code == 302
    tenant = Tenant.objects.get(pk=lab.tenant_a.pk)
    assert (tenant.name, tenant.slug) == ("Renamed A", "tenant-a")


def test_tenant_admin_tenant_admin_sees_only_own_tenant(lab):
    client = client_for(lab.user("admin-a"))

    listed = client.get(TENANTS).context["cl"].result_list
    other = client.get(f"{TENANTS}{lab.tenant_b.pk}/change/")
    add = client.get(f"{TENANTS}add/")

    assert [t.slug for t in listed] == ["tenant-a"]
    assert other.status_code == 404
    assert add.status_code == 403


def test_tenant_admin_manager_has_no_access(lab, manager):
    response = client_for(manager).get(f"{TENANTS}{lab.tenant_a.pk}/change/")

    assert response.status_code == 403


def test_user_admin_changelist_filters_never_probe_hashes(lab, manager):
    client = client_for(manager)

    through_order = client.get(
        "/admin/orders/order/", {"cashier__password__startswith": "md5"}
    )
    pin = client.get(USERS, {"pin__startswith": "md5"})

    assert (through_order.status_code, pin.status_code) == (400, 400)


def test_admin_revoke_action_signs_the_user_out_everywhere(lab):
    from rest_framework.test import APIClient

    from accounts.tokens import token_pair_for

    c1 = lab.user("c1")
    access = str(token_pair_for(c1).access_token)
    till = Client()
    till.force_login(c1)
    admin_client = Client()
    admin_client.force_login(lab.user("admin-a"))

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "revoke_sessions", "_selected_action": [c1.pk]},
    )

    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert api.get("/api/me/").status_code == 401
    assert till.get("/").status_code == 302  # back to the login page


def test_admin_revoke_action_cannot_reach_another_tenant(lab):
    c1 = lab.user("c1")
    version = c1.token_version
    admin_b = Client()
    admin_b.force_login(lab.user("admin-b"))

    admin_b.post(
        "/admin/accounts/user/",
        {"action": "revoke_sessions", "_selected_action": [c1.pk]},
    )

    c1.refresh_from_db()
    assert c1.token_version == version


def test_admin_unlock_action_ends_a_lockout(lab):
    from rest_framework.test import APIClient

    def login(password):
        return APIClient().post(
            "/api/auth/token/",
            {"username": "c1", "password": password},
            format="json",
        )

    for _ in range(5):
        login("wrong")
    assert login("kasserpro-demo").status_code == 429
    admin_client = Client()
    admin_client.force_login(lab.user("admin-a"))

    admin_client.post(
        "/admin/accounts/user/",
        {"action": "unlock_logins", "_selected_action": [lab.user("c1").pk]},
    )

    assert login("kasserpro-demo").status_code == 200
