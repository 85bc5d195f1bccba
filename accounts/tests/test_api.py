"""/api/me/ and the working branch a request gets (DESIGN.md invariant 6)."""

import pytest


def _me(client, branch_header=None):
    headers = {"X-Branch-Id": branch_header} if branch_header else {}
    return client.get("/api/me/", headers=headers)


def test_me_api_cashier_naming_other_branch_works_in_home_branch(lab, api_for):
    response = _me(api_for(lab.user("c1")), str(lab.branches["A2"].pk))

    assert response.status_code == 200
    assert response.json()["branch"]["code"] == "A1"
    assert response.json()["tenant"]["id"] == lab.tenant_a.pk


def test_me_api_admin_naming_own_tenants_branch_works_there(lab, api_for):
    response = _me(api_for(lab.user("admin-a")), str(lab.branches["A2"].pk))

    assert response.json()["branch"]["code"] == "A2"


@pytest.mark.parametrize("username", ["admin-a", "c1"])
def test_me_api_naming_no_branch_works_in_home_branch(lab, api_for, username):
    assert _me(api_for(lab.user(username))).json()["branch"]["code"] == "A1"


def test_me_api_admin_naming_other_tenants_branch_is_404(lab, api_for):
    response = _me(api_for(lab.user("admin-a")), str(lab.branches["B1"].pk))

    assert response.status_code == 404


def test_me_api_token_from_login_authenticates(lab, api_token_for):
    response = _me(api_token_for("c4"))

    assert response.status_code == 200
    assert response.json()["username"] == "c4"
    assert response.json()["branch"]["code"] == "B1"


def test_me_api_without_credentials_is_401(lab, client):
    response = client.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
