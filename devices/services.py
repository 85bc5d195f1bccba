"""Printer bridges and the jobs they print.

A job is a row first and a message second: the row commits with the sale
that made it, and the message to the branch's devices is sent on commit.
A device that missed the message (offline, or the send failed) gets every
un-acked job of its branch when it connects, so the row is the guarantee
and the message is only the fast path.
"""

import logging
import secrets
from dataclasses import dataclass
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Branch
from devices.models import Device, PrintJob, PrintJobKind
from devices.receipts import (
    job_message,
    receipt_for_order,
    receipt_for_refund,
    receipt_for_test,
)
from devices.selectors import KEY_PREFIX_LENGTH, key_hash
from orders.models import Order, Refund

logger = logging.getLogger(__name__)

KEY_BYTES = 32


def branch_group(*, tenant_id: int, branch_id: int) -> str:
    """Return the channel group of the devices of one branch."""
    return f"print.{tenant_id}.{branch_id}"


def device_group(*, device_id: int) -> str:
    """Return the channel group of one device's connections."""
    return f"device.{device_id}"


@dataclass(frozen=True)
class NewDevice:
    device: Device
    key: str  # shown once; only its hash is stored


def device_create(*, branch: Branch, name: str) -> NewDevice:
    """Register a printer bridge at ``branch`` and return it with its key.

    The raw key exists only in the returned value: show it once and forget
    it. Runs in the branch's tenant scope.
    """
    for _attempt in range(3):
        key = secrets.token_urlsafe(KEY_BYTES)
        try:
            with transaction.atomic():
                device = Device.objects.create(
                    tenant_id=branch.tenant_id,
                    branch=branch,
                    name=name,
                    key_prefix=key[:KEY_PREFIX_LENGTH],
                    key_hash=key_hash(key),
                )
        except IntegrityError:
            # Two keys sharing a 48-bit prefix: astronomically rare, and a
            # fresh key is the whole fix.
            continue
        logger.info(
            "Device %s created",
            device.pk,
            extra={"tenant": device.tenant_id, "branch": branch.pk},
        )
        return NewDevice(device=device, key=key)
    raise RuntimeError("could not find a free device key prefix")


def device_revoke(*, device: Device) -> Device:
    """Revoke ``device``'s key and drop its open connections.

    The key is refused from now on; connections already open are closed
    once the revocation commits. Revoking twice changes nothing.
    """
    with transaction.atomic():
        Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        device.refresh_from_db(fields=["revoked_at"])
        transaction.on_commit(
            partial(
                _group_send,
                device_group(device_id=device.pk),
                {"type": "device.revoked"},
            )
        )
    logger.info(
        "Device %s revoked",
        device.pk,
        extra={"tenant": device.tenant_id, "branch": device.branch_id},
    )
    return device


def device_connected(*, device: Device) -> bool:
    """Note that ``device`` is online; False if it was revoked meanwhile.

    A conditional update, so a revocation that committed after the
    handshake's key check still shuts the device out.
    """
    seen = Device.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
        last_seen_at=timezone.now()
    )
    return seen == 1


def print_job_for_order(
    *, order: Order, kind: str, refund: Refund | None = None
) -> PrintJob:
    """Queue a slip of ``order`` (or of ``refund``) at the order's branch.

    Call it inside the transaction that completes the sale or refund: the
    job commits or rolls back with it, and the devices hear of it only once
    it has committed.
    """
    payload = receipt_for_refund(refund) if refund else receipt_for_order(order)
    job = PrintJob.objects.create(
        tenant_id=order.tenant_id,
        branch_id=order.branch_id,
        kind=kind,
        order=order,
        payload=payload,
    )
    _job_announce(job)
    return job


def print_job_test(*, branch: Branch) -> PrintJob:
    """Queue a test page at ``branch``."""
    with transaction.atomic():
        job = PrintJob.objects.create(
            tenant_id=branch.tenant_id,
            branch=branch,
            kind=PrintJobKind.TEST,
            payload=receipt_for_test(branch),
        )
        _job_announce(job)
    return job


def job_ack(*, device: Device, job_id: int) -> bool:
    """Mark job ``job_id`` printed by ``device``; tell whether it now is.

    Only a job of the device's own tenant and branch can be acked; any
    other id is False, as if it did not exist. The first ack wins; later
    ones of the same branch are True and change nothing.
    """
    own = PrintJob.objects.filter(
        pk=job_id, tenant_id=device.tenant_id, branch_id=device.branch_id
    )
    if own.filter(acked_at__isnull=True).update(
        acked_at=timezone.now(), acked_by=device
    ):
        logger.info(
            "Print job %s acked",
            job_id,
            extra={"tenant": device.tenant_id, "device": device.pk},
        )
        return True
    return own.filter(acked_at__isnull=False).exists()


def _job_announce(job: PrintJob) -> None:
    group = branch_group(tenant_id=job.tenant_id, branch_id=job.branch_id)
    message = {"type": "print.job", "job": job_message(job)}
    transaction.on_commit(partial(_group_send, group, message))


def _group_send(group: str, message: dict) -> None:
    # The sale has committed by now; a failed send must not turn it into an
    # error for the cashier. The job stays un-acked in the database and
    # reaches the branch's device when it next connects.
    # Limitation: a device that stays connected through a failed send (the
    # channel layer was down) prints that job only after it reconnects.
    try:
        async_to_sync(get_channel_layer().group_send)(group, message)
    except Exception:
        logger.exception("Print job message not sent", extra={"group": group})
