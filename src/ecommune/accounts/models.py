"""People: residents sign in with their email; agents are users attached to a commune.

The user model is the kit's own from the first migration, so that email is the
login and FranceConnect identities can be attached later without a swap.
"""

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecommune.core.fields import ServiceListField
from ecommune.core.validators import validate_french_phone


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


class User(AbstractBaseUser, PermissionsMixin):
    """A resident or an agent; one account per install, whatever the commune."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(
        _("mobile phone"), max_length=20, blank=True, validators=[validate_french_phone]
    )
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
