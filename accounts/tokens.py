"""API tokens: short access tokens, rotating refresh tokens, theft response.

Tokens carry the user's tenant and ``token_version``; authentication
refuses a token whose claims no longer match the user row, which is how a
revocation ends every token at once without a list of them.
"""

import logging
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, UntypedToken

from accounts.models import RefreshRotation, RevokedAccessToken, User

logger = logging.getLogger("kasserpro.security")

VERSION_CLAIM = "ver"
# A rotated refresh token seen again within this long is a racing duplicate
# of the same client's request; later it is a copy somebody kept.
RACE_GRACE = timedelta(seconds=5)
TENANT_CLAIM = "tenant"


def token_pair_for(user: User) -> RefreshToken:
    """Return a new refresh token (and its access token) for ``user``."""
    refresh = RefreshToken.for_user(user)
    refresh[VERSION_CLAIM] = user.token_version
    refresh[TENANT_CLAIM] = user.tenant_id
    return refresh


def claims_match(token, user: User) -> bool:
    """Tell whether ``token`` was issued to ``user`` as the user is now."""
    return (
        token.get(VERSION_CLAIM) == user.token_version
        and token.get(TENANT_CLAIM) == user.tenant_id
    )


def refresh_rotate(raw: str) -> dict:
    """Trade a refresh token for a new pair; the old one dies.

    The outstanding-token row is locked while it is checked and blacklisted,
    so two refreshes racing with one token give one new pair and the other
    is refused. A refresh token presented again after RACE_GRACE is taken as
    stolen: every token of its user is revoked. Raises InvalidToken.
    """
    try:
        payload = UntypedToken(raw).payload  # signature, expiry, audience
    except TokenError as error:
        raise InvalidToken(str(error)) from None
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != RefreshToken.token_type:
        raise InvalidToken("Not a refresh token.")

    with transaction.atomic():
        outstanding = (
            OutstandingToken.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(jti=payload[api_settings.JTI_CLAIM])
            .first()
        )
        user = outstanding.user if outstanding else None
        if user is None or not user.is_active or not claims_match(payload, user):
            raise InvalidToken("Token is no longer valid.")
        if BlacklistedToken.objects.filter(token=outstanding).exists():
            rotation = RefreshRotation.objects.filter(token=outstanding).first()
            if rotation is None:  # ended by logout, not rotated
                raise InvalidToken("Token is no longer valid.")
            if timezone.now() - rotation.rotated_at < RACE_GRACE:
                # The same client sent it twice at once (a retry racing the
                # first try): this copy loses, the rotated pair stays good.
                raise InvalidToken("Token was just used.")
            reused = True
        else:
            reused = False
            BlacklistedToken.objects.create(token=outstanding)
            RefreshRotation.objects.create(token=outstanding)
            fresh = token_pair_for(user)
    if reused:
        logger.warning(
            "Refresh token reused; revoking the user's tokens", extra={"user": user.pk}
        )
        user_tokens_revoke(user=user)
        raise InvalidToken("Token was already used.")
    return {"access": str(fresh.access_token), "refresh": str(fresh)}


def user_tokens_revoke(*, user: User) -> None:
    """End every token and web session ``user`` holds, from the next request."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(token_version=F("token_version") + 1)
        live = OutstandingToken.objects.filter(
            user=user, expires_at__gt=timezone.now()
        ).exclude(blacklistedtoken__isnull=False)
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token=token) for token in live], ignore_conflicts=True
        )
    user.refresh_from_db(fields=["token_version"])


def token_logout(*, refresh_raw: str, access: AccessToken, user: User) -> None:
    """End one refresh token of ``user`` and the access token of the call."""
    try:
        refresh = RefreshToken(refresh_raw)
    except TokenError as error:
        raise InvalidToken(str(error)) from None
    if str(refresh.get(api_settings.USER_ID_CLAIM)) != str(user.pk):
        raise InvalidToken("That token is not yours.")
    refresh.blacklist()
    RevokedAccessToken.objects.get_or_create(
        jti=access[api_settings.JTI_CLAIM],
        defaults={"expires_at": datetime.fromtimestamp(access["exp"], tz=UTC)},
    )


def access_revoked(token) -> bool:
    return RevokedAccessToken.objects.filter(jti=token[api_settings.JTI_CLAIM]).exists()
