from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kasserpro.tenancy import TenantOwned


class Tenant(models.Model):
    """A company using KasserPro; owns branches, users, catalogue and books."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    prices_include_tax = models.BooleanField(
        default=True, help_text=_("Shelf prices already contain VAT.")
    )
    allow_negative_stock = models.BooleanField(default=False)
    discount_approval_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Discounts above this share of a sale need a manager."),
    )
    currency = models.CharField(max_length=3, default="EGP")

    def __str__(self):
        return self.name


class Branch(TenantOwned):
    code = models.CharField(max_length=16)
    name = models.CharField(max_length=120)
    address = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name_plural = "branches"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "code"], name="branch_code_per_tenant"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    MANAGER = "manager", _("Manager")
    CASHIER = "cashier", _("Cashier")


class User(AbstractUser):
    """A person who signs in: platform staff (no tenant) or a tenant's staff.

    Users are not scoped by django-scopes because authentication must find
    them before any tenant is known; selectors filter them by tenant by hand.
    """

    tenant = models.ForeignKey(
        Tenant, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CASHIER)
    home_branch = models.ForeignKey(
        Branch, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A manager's till PIN, hashed like a password, approves a cashier's
    # refund or large discount at the till.
    pin = models.CharField(max_length=128, blank=True)
    # Raised to end every token and web session of the user at once: tokens
    # carry the version they were issued under, and the session hash below
    # includes it, so both stop matching on the next request.
    token_version = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(tenant__isnull=True)
                | models.Q(home_branch__isnull=False),
                name="tenant_user_has_home_branch",
            ),
        ]

    def save(self, *args, **kwargs):
        if self.tenant_id is not None:
            # A tenant's staff reach the admin by their role, never by a flag
            # set by hand, and are never superusers: so a role change keeps
            # admin access in step, and no tenant admin can mint a superuser.
            self.is_staff = self.role in (Role.ADMIN, Role.MANAGER)
            self.is_superuser = False
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self):
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)

    def _session_hash(self, secret=None) -> str:
        return salted_hmac(
            "kasserpro.accounts.User.session",
            f"{self.password}:{self.token_version}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def set_pin(self, raw_pin: str) -> None:
        self.pin = make_password(raw_pin)

    def check_pin(self, raw_pin: str) -> bool:
        return bool(self.pin) and check_password(raw_pin, self.pin)

    @property
    def is_manager_or_admin(self) -> bool:
        return self.role in (Role.ADMIN, Role.MANAGER)


class RevokedAccessToken(models.Model):
    """An access token ended before its expiry (logout); kept until it expires."""

    jti = models.CharField(max_length=255, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.jti


class RefreshRotation(models.Model):
    """Marks a refresh token that was traded for a new pair.

    Presenting it again means somebody kept a copy: that is taken as theft.
    A token ended by logout is blacklisted without this mark, and showing
    it again is merely refused.
    """

    token = models.OneToOneField(
        "token_blacklist.OutstandingToken", on_delete=models.CASCADE, related_name="+"
    )
    rotated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.token_id)


class WebSession(models.Model):
    """A browser signed in as a user, so the user can see and end it.

    Django's session table cannot be searched by user; this row names the
    session key and is kept fresh by SessionIdleMiddleware.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="web_sessions"
    )
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user_id}:{self.created_at:%Y-%m-%d %H:%M}"
