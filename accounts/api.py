from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from kasserpro.api import TenantApiView


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


class TokenObtainApi(TokenObtainPairView):
    permission_classes = [AllowAny]


class TokenRefreshApi(TokenRefreshView):
    permission_classes = [AllowAny]


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
