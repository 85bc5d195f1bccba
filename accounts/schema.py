from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class TokenAuthenticationScheme(SimpleJWTScheme):
    """Describe our bearer tokens in the OpenAPI schema like simplejwt's."""

    target_class = "accounts.authentication.TokenAuthentication"
    name = "bearerAuth"
