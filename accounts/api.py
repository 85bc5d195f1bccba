from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainSerializer

from accounts.exceptions import AccountLocked
from accounts.permissions import IsTenantAdmin
from accounts.selectors import user_get_in_tenant, user_sessions, web_sessions
from accounts.services import (
    user_revoke_sessions,
    user_session_end,
    web_session_end,
)
from accounts.tokens import refresh_rotate, token_logout, token_pair_for
from kasserpro.api import TenantApiView, validated
from kasserpro.errors import NotFound


class BranchRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class TenantRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.CharField()
    tenant = TenantRefSerializer()
    branch = BranchRefSerializer()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class LoginSerializer(TokenObtainSerializer):
    """Check a username and password; refuse a locked pair with 429."""

    default_error_messages = {"no_active_account": _("Wrong username or password.")}

    def validate(self, attrs):
        # Ask django-axes first: its backend would refuse a locked username
        # and address pair too, but authenticate() reports that as a plain
        # wrong password, and the contract wants 429 for it.
        credentials = {"username": attrs.get(self.username_field)}
        if AxesProxyHandler.is_locked(self.context["request"], credentials):
            raise AccountLocked()
        super().validate(attrs)
        refresh = token_pair_for(self.user)
        return {"access": str(refresh.access_token), "refresh": str(refresh)}


class RefreshInSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class PublicTokenApi(APIView):
    """A token endpoint: no credentials needed, a failure is still a 401."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenObtainApi(PublicTokenApi):
    @extend_schema(request=LoginSerializer, responses=TokenPairSerializer)
    def post(self, request):
        serializer = LoginSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


class TokenRefreshApi(PublicTokenApi):
    @extend_schema(request=RefreshInSerializer, responses=TokenPairSerializer)
    def post(self, request):
        data = validated(RefreshInSerializer, request.data)
        return Response(refresh_rotate(data["refresh"]))


class LogoutApi(TenantApiView):
    @extend_schema(request=RefreshInSerializer, responses={204: None})
    def post(self, request):
        data = validated(RefreshInSerializer, request.data)
        token_logout(
            refresh_raw=data["refresh"], access=request.auth, user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(TenantApiView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.username,
            "role": user.role,
            "tenant": user.tenant,
            "branch": self.branch,
        }
        return Response(MeSerializer(data).data)


class MySessionsApi(TenantApiView):
    @extend_schema(responses=SessionSerializer(many=True))
    def get(self, request):
        return Response(
            SessionSerializer(user_sessions(user=request.user), many=True).data
        )


class MySessionEndApi(TenantApiView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, session_id: int):
        if not user_session_end(user=request.user, session_id=session_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user_agent = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_seen_at = serializers.DateTimeField()


class MyWebSessionsApi(TenantApiView):
    @extend_schema(responses=WebSessionSerializer(many=True))
    def get(self, request):
        return Response(
            WebSessionSerializer(web_sessions(user=request.user), many=True).data
        )


class MyWebSessionEndApi(TenantApiView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, web_session_id: int):
        if not web_session_end(user=request.user, web_session_id=web_session_id):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserRevokeSessionsApi(TenantApiView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, user_id: int):
        user = user_get_in_tenant(tenant_id=request.user.tenant_id, user_id=user_id)
        if user is None:
            raise NotFound()
        user_revoke_sessions(user=user, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
