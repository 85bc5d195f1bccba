"""The device socket: printer bridges receive their branch's print jobs here.

Who a device is, and so which tenant and branch it prints for, comes from
its key alone. Nothing the client sends afterwards can change that: the
only message it may send is an ack of a job of its own branch.
"""

import asyncio
import contextlib
import json
import logging

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from devices.models import Device
from devices.receipts import job_message
from devices.selectors import device_for_key, print_jobs_pending
from devices.services import (
    branch_group,
    device_connected,
    device_group,
    job_ack,
)
from kasserpro.tenancy import tenant_scope

logger = logging.getLogger(__name__)

AUTH_SCHEME = "device"
CLOSE_REVOKED = 4003
MAX_MESSAGE = 1024
# Channel layers forget a group member after a day (group_expiry); a bridge
# stays connected for weeks, so it joins its groups again well before that.
GROUP_REFRESH_SECONDS = 3600


def device_key(headers) -> str | None:
    """Return the key of the one ``Authorization: Device <key>`` header.

    Several Authorization headers are ambiguous and get None, like none.
    """
    values = [value for name, value in headers if name.lower() == b"authorization"]
    if len(values) != 1:
        return None
    scheme, _, key = values[0].decode("latin-1").strip().partition(" ")
    if scheme.lower() != AUTH_SCHEME:
        return None
    return key.strip() or None


@database_sync_to_async
def _authenticate(key: str) -> Device | None:
    return device_for_key(key=key)


@database_sync_to_async
def _online(device: Device) -> list[dict] | None:
    with tenant_scope(device.tenant_id):
        if not device_connected(device=device):
            return None
        return [job_message(job) for job in print_jobs_pending(branch=device.branch)]


@database_sync_to_async
def _ack(device: Device, job_id: int) -> bool:
    with tenant_scope(device.tenant_id):
        return job_ack(device=device, job_id=job_id)


class DeviceConsumer(AsyncWebsocketConsumer):
    device: Device | None = None

    async def connect(self):
        key = device_key(self.scope["headers"])
        device = await _authenticate(key) if key else None
        if device is None:
            logger.warning(
                "Device refused at handshake",
                extra={"client": (self.scope.get("client") or ["?"])[0]},
            )
            await self.close()  # before accept: the handshake fails with 403
            return

        # Join before reading the pending jobs: a job committed in between
        # then arrives twice (once from each), never not at all, and the
        # second copy is dropped below.
        self.device = device
        self.sent: set[int] = set()
        self.groups = [
            branch_group(tenant_id=device.tenant_id, branch_id=device.branch_id),
            device_group(device_id=device.pk),
        ]
        for group in self.groups:
            await self.channel_layer.group_add(group, self.channel_name)
        pending = await _online(device)
        if pending is None:
            await self._leave_groups()
            await self.close()
            return

        await self.accept()
        self._refresher = asyncio.create_task(self._keep_groups())
        logger.info(
            "Device %s connected",
            device.pk,
            extra={
                "tenant": device.tenant_id,
                "branch": device.branch_id,
                "pending": len(pending),
            },
        )
        for job in pending:
            await self._send_job(job)

    async def disconnect(self, code):
        refresher = getattr(self, "_refresher", None)
        if refresher is not None:
            refresher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refresher
        if self.device is not None:
            logger.info("Device %s disconnected", self.device.pk)

    async def receive(self, text_data=None, bytes_data=None):
        job_id = _acked_job(text_data)
        if job_id is None or self.device is None:
            return
        if await _ack(self.device, job_id):
            await self.send(text_data=json.dumps({"type": "acked", "job": job_id}))

    # --- channel layer events ---------------------------------------------

    async def print_job(self, event):
        await self._send_job(event["job"])

    async def device_revoked(self, event):
        logger.info("Device %s dropped: revoked", self.device.pk)
        await self.close(code=CLOSE_REVOKED)

    # --- steps ------------------------------------------------------------

    async def _send_job(self, job: dict) -> None:
        if job["id"] in self.sent:
            return
        self.sent.add(job["id"])
        await self.send(text_data=json.dumps({"type": "print_job", "job": job}))

    async def _keep_groups(self) -> None:
        while True:
            await asyncio.sleep(GROUP_REFRESH_SECONDS)
            try:
                for group in self.groups:
                    await self.channel_layer.group_add(group, self.channel_name)
            except Exception:
                # Try again next round; meanwhile jobs still reach the
                # device on its next connect.
                logger.exception("Device %s groups not refreshed", self.device.pk)

    async def _leave_groups(self) -> None:
        for group in self.groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.groups = []


def _acked_job(text: str | None) -> int | None:
    """Return the job id of an ack message, or None for anything else."""
    if not text or len(text) > MAX_MESSAGE:
        return None
    try:
        message = json.loads(text)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("type") != "ack":
        return None
    job_id = message.get("job")
    # bool is an int to Python; an ack of "true" is not an ack of job 1.
    if type(job_id) is not int or job_id <= 0:
        return None
    return job_id
