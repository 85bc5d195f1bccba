from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.permissions import IsTenantAdmin
from devices.models import PrintJob
from devices.services import print_job_test
from idempotency.api import idempotent
from kasserpro.api import TenantApiView


class PrintJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = PrintJob
        fields = ["id", "kind", "branch", "order", "created_at"]


class TestPrintApi(TenantApiView):
    permission_classes = [IsTenantAdmin]

    @extend_schema(request=None, responses={202: PrintJobSerializer})
    @idempotent(required=False)
    def post(self, request):
        job = print_job_test(branch=self.branch)
        return Response(PrintJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
