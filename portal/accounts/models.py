from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A back-office or monitor account. Netizens do not need one.

    `unit` ties a department handler (and a unit's window clerk) to the Unit whose cases they
    may see; roles are Django groups (see roles.py).
    """

    unit = models.ForeignKey(
        "cms.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff_accounts",
        verbose_name="所属单位",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    # a staff member's work mobile, for SMS notices to department handlers (new, urgent,
    # supervised, due tomorrow cases); never a complainant's number, which lives encrypted on
    # the case
    mobile = models.CharField("工作手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
