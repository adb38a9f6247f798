"""People: residents sign in with their email; agents are users attached to a commune.

The user model is the kit's own from the first migration, so that email is the
login and FranceConnect identities can be attached later without a swap. The
audit trail of agents' actions lives here too (``AuditEvent``); recording goes
through ``ecommune.accounts.audit.audit()``.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.fields import ServiceListField
from ecommune.core.phones import validate_french_mobile
from ecommune.core.tenancy import CommuneOwned
from ecommune.core.validators import validate_postal_code


class UserManager(DjangoUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Addresses are stored in lower case; people type them as they like.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A resident or an agent; one account per install, whatever the commune."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    # An account made by an administrator, a command or the demo is taken as verified
    # (whoever made it vouches for the address); a resident's own sign-up starts empty
    # (``services.register_resident``) until they follow the link sent to them.
    email_verified_at = models.DateTimeField(
        _("email verified at"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("Empty until the resident follows the link sent to their address."),
    )
    phone = models.CharField(
        _("mobile phone"),
        max_length=20,
        blank=True,
        validators=[validate_french_mobile],
    )
    sms_consent = models.BooleanField(
        _("agrees to receive SMS"),
        default=False,
        help_text=_("Text messages about the resident's requests, sent to the mobile phone."),
    )
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=5, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the back office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class Agent(models.Model):
    """A town-hall agent: works for one commune and some of its services."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="agent")
    commune = models.ForeignKey(
        "ecommune_core.Commune",
        on_delete=models.CASCADE,
        related_name="agents",
        verbose_name=_("commune"),
    )
    services = ServiceListField(_("services"), help_text=_("The procedures this agent handles."))

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")

    def __str__(self):
        return f"{self.user} ({self.commune})"


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """What ``user`` may read: everything for a superuser, their commune's events for
        an agent, nothing for anyone else."""
        if user.is_superuser:
            return self
        agent = getattr(user, "agent", None) if user.is_authenticated else None
        if agent is None:
            return self.none()
        return self.filter(commune_id=agent.commune_id)


class AuditEvent(models.Model):
    """One thing an agent did (or that happened to an agent's account), kept as written.

    Rows are only ever added: ``save()`` refuses to change a recorded event and
    ``delete()`` refuses to remove one; the back office lists them and nothing more.
    The actor's address and the object's label are copied in, so the trail still reads
    after the account or the object is gone.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGOUT = "logout", _("Signed out")
        LOGIN_FAILED = "login_failed", _("Failed sign-in")
        OTP_SETUP = "otp_setup", _("Second factor set up")
        OTP_FAILED = "otp_failed", _("Wrong second-factor code")
        OTP_RESET = "otp_reset", _("Second factor reset")
        AGENT_INVITED = "agent_invited", _("Agent invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("Invitation accepted")

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    commune = models.ForeignKey(
        "ecommune_core.Commune",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A free string so that other apps record their own actions ("requests.status_changed");
    # ``Action`` names the ones this app records.
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]
        # Nobody may add, change or delete events by hand; reading is granted per group.
        default_permissions = ("view",)
        indexes = [models.Index(fields=["commune", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An audit event is never changed once recorded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("An audit event is never deleted.")

    def get_action_display(self):
        try:
            return self.Action(self.action).label
        except ValueError:
            return self.action


class AgendaFeed(CommuneOwned):
    """The secret address of a resident's « Mon agenda » calendar feed in one commune.

    The address carries a key computed from ``nonce`` and the site's secret key
    (``ecommune.accounts.agenda.feed_key``); only its SHA-256 is stored and looked up, so
    the table alone never gives a working address. « Renouveler le lien » draws a new
    nonce: the old address stops working at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    nonce = models.CharField(max_length=64, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now=True)

    class Meta:
        verbose_name = _("agenda feed")
        verbose_name_plural = _("agenda feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user"], name="ecommune_accounts_one_agenda_feed"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.commune_id}"


class AgendaReminders(CommuneOwned):
    """A resident asked for an email (and, with ``by_sms``, an SMS to their mobile) a few
    days before each date of « Mon agenda » in one commune
    (``ecommune.notifications.agenda_reminders`` sends them); no row, no reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("resident"),
    )
    by_sms = models.BooleanField(_("by SMS too"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda reminders")
        verbose_name_plural = _("agenda reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "user"], name="ecommune_accounts_one_agenda_reminders"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.commune_id}"


# FranceConnect identities live in their own subpackage; importing the model here makes it
# part of this app (label ``ecommune_accounts``).
from ecommune.accounts.franceconnect.models import FranceConnectIdentity  # noqa: E402,F401
