from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from accounts.tokens import access_revoked, claims_match


class TokenAuthentication(JWTAuthentication):
    """Bearer tokens that die with a revocation or a logout.

    simplejwt checks the signature (configured algorithm only), expiry,
    audience, issuer and token type; this adds that the token was issued at
    all (``iat``), matches the user's current token version and tenant, and
    was not logged out. The user row is read on every request anyway, so
    the version check costs nothing; the logout check is one indexed query.
    """

    def get_user(self, validated_token):
        if "iat" not in validated_token:
            raise AuthenticationFailed(
                _("Token has no issue time."), code="token_not_valid"
            )
        user = super().get_user(validated_token)
        if not claims_match(validated_token, user) or access_revoked(validated_token):
            raise AuthenticationFailed(
                _("Token is no longer valid."), code="token_not_valid"
            )
        return user
