from django.conf import settings
from django.db import models
from django.utils import timezone

from kasserpro.tenancy import TenantOwned


class IdempotencyRecord(TenantOwned):
    """The first answer to one user action, kept so a retry gets it again.

    A record is written in the same transaction as the action's own rows, so
    it exists exactly when the action's effects do. There is no visible
    "in progress" state: while the first request runs its record is not yet
    committed, and a racing duplicate waits on the unique index (PostgreSQL)
    or the write lock (SQLite), then finds the finished record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=100)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user", "key"], name="one_record_per_key"
            ),
        ]
