import hashlib
import hmac

from accounts.models import Branch
from devices.models import Device, PrintJob
from kasserpro.tenancy import scopes_disabled

KEY_PREFIX_LENGTH = 8
KEY_MAX_LENGTH = 128
_NO_HASH = "0" * 64


def key_hash(key: str) -> str:
    """Return the stored form of a device key."""
    return hashlib.sha256(key.encode()).hexdigest()


def device_for_key(*, key: str) -> Device | None:
    """Return the live device whose key is ``key``, or None.

    Runs without a tenant scope: the key is what tells the tenant. A
    revoked device is None, like an unknown one.
    """
    if not key or len(key) > KEY_MAX_LENGTH or not key.isascii():
        return None
    with scopes_disabled():
        device = (
            Device.objects.select_related("branch", "tenant")
            .filter(key_prefix=key[:KEY_PREFIX_LENGTH])
            .first()
        )
    # Compare even when the prefix is unknown, so the answer takes the same
    # time either way and does not tell which prefixes exist.
    stored = device.key_hash if device else _NO_HASH
    matches = hmac.compare_digest(key_hash(key), stored)
    if device is None or not matches or device.is_revoked:
        return None
    return device


def print_jobs_pending(*, branch: Branch) -> list[PrintJob]:
    """Return the jobs of ``branch`` no device has acked, oldest first.

    Runs in the caller's tenant scope.
    """
    return list(
        PrintJob.objects.filter(branch=branch, acked_at__isnull=True).order_by("pk")
    )
