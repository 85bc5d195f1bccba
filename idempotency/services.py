"""Run a user action at most once per idempotency key (DESIGN.md inv. 4)."""

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from idempotency.exceptions import (
    IdempotencyKeyInUse,
    IdempotencyKeyRequired,
    IdempotencyKeyReused,
)
from idempotency.models import IdempotencyRecord

logger = logging.getLogger(__name__)

RETENTION = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")

R = TypeVar("R")


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    content_type: str
    body: str


class _KeyTaken(Exception):
    pass


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


def key_check(key: str | None) -> str:
    """Return ``key`` if it is 1-255 visible ASCII characters, else raise."""
    if key is None or not _KEY.fullmatch(key):
        raise IdempotencyKeyRequired()
    return key


def fingerprint(*, method: str, path: str, payload) -> str:
    """Return a digest of what a request asks for, stable across retries."""
    canonical = json.dumps(
        [method.upper(), path, payload],
        sort_keys=True,
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent_run(
    *,
    user: User,
    key: str,
    fingerprint: str,
    action: Callable[[], R],
    snapshot: Callable[[R], StoredResponse],
) -> R | StoredResponse:
    """Run ``action`` once for ``key``, or return the answer it gave before.

    ``action`` runs inside a transaction that also writes the key's record,
    so both commit or neither does. A response outside 2xx rolls the whole
    transaction back and keeps no record; a domain error raised by the
    action propagates, likewise with nothing kept.

    Raises IdempotencyKeyReused when the key was used for another request,
    and IdempotencyKeyInUse when a racing duplicate vanished without an
    answer. Runs in the caller's tenant scope.
    """
    record = _record_find(user=user, key=key)
    if record is not None:
        return _replay(record, fingerprint)

    try:
        with transaction.atomic():
            record = _record_claim(user=user, key=key, fingerprint=fingerprint)
            response = action()
            stored = snapshot(response)
            if not 200 <= stored.status_code < 300:
                raise _Refused(response)
            record.status_code = stored.status_code
            record.content_type = stored.content_type
            record.body = stored.body
            record.save(update_fields=["status_code", "content_type", "body"])
    except _Refused as refused:
        return refused.response
    except _KeyTaken:
        record = _record_find(user=user, key=key)
        if record is None:
            raise IdempotencyKeyInUse() from None
        return _replay(record, fingerprint)
    return response


def _record_find(*, user: User, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(
        user=user, key=key, expires_at__gt=timezone.now()
    ).first()


def _record_claim(*, user: User, key: str, fingerprint: str) -> IdempotencyRecord:
    # An expired record of the same key no longer counts: clear it so the
    # key is free again. The insert below is the claim; a duplicate racing
    # us blocks on the unique index until we commit, then fails here.
    now = timezone.now()
    IdempotencyRecord.objects.filter(user=user, key=key, expires_at__lte=now).delete()
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                tenant_id=user.tenant_id,
                user=user,
                key=key,
                fingerprint=fingerprint,
                status_code=0,
                content_type="",
                body="",
                created_at=now,
                expires_at=now + RETENTION,
            )
    except IntegrityError:
        raise _KeyTaken() from None


def _replay(record: IdempotencyRecord, fingerprint: str) -> StoredResponse:
    if record.fingerprint != fingerprint:
        logger.warning(
            "Idempotency key reused for another request",
            extra={"tenant": record.tenant_id, "user": record.user_id},
        )
        raise IdempotencyKeyReused()
    return StoredResponse(record.status_code, record.content_type, record.body)


def records_purge(*, batch_size: int = 1000) -> int:
    """Delete expired records in batches of ``batch_size``; return how many."""
    from kasserpro.tenancy import scopes_disabled

    deleted = 0
    with scopes_disabled():
        while True:
            ids = list(
                IdempotencyRecord.objects.filter(
                    expires_at__lte=timezone.now()
                ).values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return deleted
            deleted += IdempotencyRecord.objects.filter(pk__in=ids).delete()[0]
