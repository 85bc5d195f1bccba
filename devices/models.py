from django.db import models
from django.utils.translation import gettext_lazy as _

from kasserpro.tenancy import TenantOwned


class Device(TenantOwned):
    """A printer bridge of one branch, known by a secret key.

    Only a SHA-256 of the key is kept. The key is 32 random bytes, so a plain
    hash is as strong as a slow one here: there is no dictionary to try.
    The prefix is stored in clear to find the row without scanning hashes.
    """

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=80)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class PrintJobKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    REFUND = "refund", _("Refund")
    REPRINT = "reprint", _("Reprint")
    TEST = "test", _("Test page")


class PrintJob(TenantOwned):
    """Something to print at a branch, kept until a device there acks it."""

    branch = models.ForeignKey(
        "accounts.Branch", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=PrintJobKind.choices)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    acked_at = models.DateTimeField(null=True, blank=True)
    acked_by = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [
            # A device asks for its branch's un-acked jobs on every connect;
            # acked jobs pile up and must not slow that down.
            models.Index(
                fields=["branch", "id"],
                condition=models.Q(acked_at__isnull=True),
                name="printjob_pending",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"
