"""Tokens die fast and on demand (DESIGN.md invariant 8; S11, S12)."""

import base64
import json

import jwt
import pytest
from django.conf import settings
from rest_framework.test import APIClient

from kasserpro.testing import race

pytestmark = pytest.mark.django_db

PASSWORD = "kasserpro-demo"


def login(client, username="c1", password=PASSWORD):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, format="json"
    )


def tokens(username="c1"):
    response = login(APIClient(), username)
    assert response.status_code == 200, response.content
    return response.json()


def me(access):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/me/")


def refresh(raw):
    return APIClient().post("/api/auth/token/refresh/", {"refresh": raw}, format="json")


def claims(token):
    return jwt.decode(token, options={"verify_signature": False})


def test_login_gives_short_access_and_rotating_refresh(lab):
    pair = tokens()

    access = claims(pair["access"])
    assert access["exp"] - access["iat"] <= 15 * 60
    assert access["aud"] == "kasserpro"
    assert access["token_type"] == "access"
    assert me(pair["access"]).status_code == 200


def test_login_with_wrong_password_is_401_in_contract_shape(lab):
    response = login(APIClient(), password="nope")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_refresh_rotates_and_the_old_token_is_dead(lab):
    pair = tokens()

    first = refresh(pair["refresh"])
    assert first.status_code == 200
    assert set(first.json()) == {"access", "refresh"}
    assert me(first.json()["access"]).status_code == 200

    reused = refresh(pair["refresh"])
    assert reused.status_code == 401
    assert reused.json()["code"] == "not_authenticated"


def _rotated_a_while_ago():
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import RefreshRotation

    RefreshRotation.objects.update(rotated_at=timezone.now() - timedelta(minutes=1))


def test_refresh_reuse_kills_the_whole_family(lab):
    pair = tokens()
    rotated = refresh(pair["refresh"]).json()
    _rotated_a_while_ago()

    assert refresh(pair["refresh"]).status_code == 401  # theft detected

    assert refresh(rotated["refresh"]).status_code == 401
    assert me(rotated["access"]).status_code == 401
    assert me(pair["access"]).status_code == 401
    assert login(APIClient()).status_code == 200  # the owner can log in again


def test_two_refreshes_racing_with_one_token_one_wins(lab_tx):
    pair = tokens()

    responses = race(lambda: refresh(pair["refresh"]), lambda: refresh(pair["refresh"]))

    assert sorted(r.status_code for r in responses) == [200, 401]
    winner = next(r for r in responses if r.status_code == 200).json()
    assert me(winner["access"]).status_code == 200
    assert refresh(winner["refresh"]).status_code == 200


def test_refresh_reuse_right_after_rotation_is_refused_without_revoking(lab):
    pair = tokens()
    rotated = refresh(pair["refresh"]).json()

    assert refresh(pair["refresh"]).status_code == 401
    assert me(rotated["access"]).status_code == 200


@pytest.mark.parametrize("forgery", ["other_key", "alg_none", "edited_unsigned"])
def test_s11_token_edited_to_claim_tenant_b_is_401(lab, forgery):
    access = tokens("c1")["access"]
    payload = claims(access)
    payload["tenant"] = lab.tenant_b.pk
    payload["user_id"] = lab.user("c4").pk
    if forgery == "other_key":
        forged = jwt.encode(payload, "not-the-server-key", algorithm="HS256")
    elif forgery == "alg_none":
        forged = jwt.encode(payload, None, algorithm="none")
    else:
        header, _body, signature = access.split(".")
        body = (
            base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
        )
        forged = f"{header}.{body}.{signature}"

    response = me(forged)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_with_mismatched_tenant_claim_is_401_even_if_signed(lab):
    payload = claims(tokens("c1")["access"])
    payload["tenant"] = lab.tenant_b.pk
    signed = jwt.encode(payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")

    assert me(signed).status_code == 401


def test_token_for_another_audience_is_401(lab):
    payload = claims(tokens("c1")["access"])
    payload["aud"] = "somebody-else"
    signed = jwt.encode(payload, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")

    assert me(signed).status_code == 401


def test_refresh_token_is_not_an_access_token(lab):
    assert me(tokens()["refresh"]).status_code == 401


def test_s12_revoke_ends_access_refresh_and_web_session(lab):
    pair = tokens("c1")
    browser = APIClient()
    browser.force_login(lab.user("c1"))
    assert browser.get("/api/me/").status_code == 200
    admin = APIClient()
    admin.force_authenticate(lab.user("admin-a"))

    revoked = admin.post(f"/api/users/{lab.user('c1').pk}/revoke-sessions/")

    assert revoked.status_code == 204
    assert me(pair["access"]).status_code == 401
    assert refresh(pair["refresh"]).status_code == 401
    assert browser.get("/api/me/").status_code in (401, 403)
    again = tokens("c1")
    assert me(again["access"]).status_code == 200


def test_revoke_by_cashier_is_403_and_other_tenant_is_404(lab):
    cashier = APIClient()
    cashier.force_authenticate(lab.user("c2"))
    other = APIClient()
    other.force_authenticate(lab.user("admin-b"))
    target = lab.user("c1").pk

    assert cashier.post(f"/api/users/{target}/revoke-sessions/").status_code == 403
    assert other.post(f"/api/users/{target}/revoke-sessions/").status_code == 404
    assert me(tokens("c1")["access"]).status_code == 200


def test_logout_kills_refresh_and_calling_access_token(lab):
    pair = tokens()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")

    response = client.post(
        "/api/auth/logout/", {"refresh": pair["refresh"]}, format="json"
    )

    assert response.status_code == 204
    assert me(pair["access"]).status_code == 401
    assert refresh(pair["refresh"]).status_code == 401


def test_user_lists_and_ends_own_sessions(lab):
    till, phone = tokens(), tokens()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {till['access']}")

    sessions = client.get("/api/me/sessions/").json()
    assert len(sessions) == 2

    phone_jti = claims(phone["refresh"])["jti"]
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    phone_id = OutstandingToken.objects.get(jti=phone_jti).pk
    assert client.post(f"/api/me/sessions/{phone_id}/end/").status_code == 204
    assert refresh(phone["refresh"]).status_code == 401
    assert refresh(till["refresh"]).status_code == 200


def test_lockout_after_five_failures_even_with_right_password(lab):
    client = APIClient()
    for _ in range(5):
        assert login(client, password="wrong").status_code == 401

    locked = login(client)

    assert locked.status_code == 429
    assert locked.json()["code"] == "account_locked"
    # Another user from the same address is not locked out.
    assert login(client, "c2").status_code == 200


def test_lockout_is_per_address(lab):
    for _ in range(5):
        login(APIClient(REMOTE_ADDR="10.0.0.1"), password="wrong")

    assert login(APIClient(REMOTE_ADDR="10.0.0.1")).status_code == 429
    assert login(APIClient(REMOTE_ADDR="10.0.0.2")).status_code == 200


def test_forwarded_for_is_not_trusted_by_default(lab):
    for i in range(5):
        login(APIClient(HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"), password="wrong")

    assert login(APIClient(HTTP_X_FORWARDED_FOR="192.0.2.99")).status_code == 429


def test_user_lists_and_ends_own_web_sessions(lab):
    from django.test import Client

    till, office = Client(HTTP_USER_AGENT="till"), Client(HTTP_USER_AGENT="office")
    for browser in (till, office):
        browser.force_login(lab.user("c1"))
        assert browser.get("/").status_code == 200

    listed = till.get("/api/me/web-sessions/").json()
    assert sorted(s["user_agent"] for s in listed) == ["office", "till"]

    office_id = next(s["id"] for s in listed if s["user_agent"] == "office")
    csrf_free = APIClient()
    csrf_free.force_authenticate(lab.user("c1"))
    assert csrf_free.post(f"/api/me/web-sessions/{office_id}/end/").status_code == 204

    assert office.get("/").status_code == 302  # signed out: back to login
    assert till.get("/").status_code == 200
    other = APIClient()
    other.force_authenticate(lab.user("c2"))
    till_id = next(s["id"] for s in listed if s["user_agent"] == "till")
    assert other.post(f"/api/me/web-sessions/{till_id}/end/").status_code == 404
