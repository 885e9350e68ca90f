"""Ratings (测评) and what hangs off them. Ratings and revocations are append-only.

Why append-only: the Wuhan rules require ratings and call-backs to be unchangeable with a full
trail (不可更改、全程留痕). The ORM refuses updates and deletes here; on PostgreSQL a trigger
(migration 0002) refuses them in the database too; each rating is hash-chained per official.
"""

from datetime import UTC

from django.conf import settings
from django.db import connection, models, transaction

from portal.core.storage import RandomName, private_storage

from . import rules
from .choices import (
    CallBackKind,
    Channel,
    ReportFormat,
    ViolationKind,
    WarningActionKind,
    WarningLevel,
    WarningPeriod,
)


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.label} is append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} is append-only")


def bad_rating_q(prefix: str = "") -> models.Q:
    """差评 as a Q, for aggregates and annotations (`Count("id", filter=bad_rating_q())`);
    `prefix` reaches a rating across a relation (`bad_rating_q("rating__")`)."""
    return models.Q(**{f"{prefix}level__lte": rules.BAD_LEVEL_MAX})


def good_rating_q(prefix: str = "") -> models.Q:
    """好评 (满意 and above) as a Q, for the 刷好评 check."""
    return models.Q(**{f"{prefix}level__gte": rules.GOOD_LEVEL_MIN})


class RatingQuerySet(AppendOnlyQuerySet):
    def active(self):
        """Not revoked: revoked ratings drop out of every count. NOT EXISTS, not a LEFT JOIN
        … IS NULL: PostgreSQL estimates the anti-join well and keeps a parallel hash
        aggregate (2.5× faster over 4 million ratings)."""
        revoked = RatingRevocation.objects.filter(rating_id=models.OuterRef("pk"))
        return self.filter(~models.Exists(revoked))

    def bad(self):
        """差评: 不满意 (and 非常不满意 on the five-level scale); rules.is_bad in SQL."""
        return self.filter(bad_rating_q())


class RatingChainHead(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """The latest link of one official's rating chain, locked to append (one row per official,
    so concurrent ratings of different officials never wait for each other)."""

    official = models.OneToOneField(
        "cms.OfficialPage", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64)


class RatingTicket(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """一次一评: a single-use ticket a window clerk issues per person served. It carries no
    data about the citizen; it only proves a transaction took place."""

    code = models.CharField(max_length=40, unique=True)
    unit = models.ForeignKey("cms.Unit", on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        "cms.OfficialPage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "评价券"
        verbose_name_plural = "评价券"


class Rating(AppendOnlyModel):
    official = models.ForeignKey(
        "cms.OfficialPage",
        on_delete=models.PROTECT,
        related_name="ratings",
        verbose_name="测评对象",
    )
    unit = models.ForeignKey(
        "cms.Unit", on_delete=models.PROTECT, related_name="ratings", verbose_name="单位"
    )
    level = models.PositiveSmallIntegerField("总体评价")  # 5 非常满意 … 1 非常不满意
    attitude = models.PositiveSmallIntegerField("服务态度", null=True, blank=True)
    efficiency = models.PositiveSmallIntegerField("办事效率", null=True, blank=True)
    style = models.PositiveSmallIntegerField("工作作风", null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    anonymous = models.BooleanField("匿名", default=True)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    # keyed hash (HMAC) of the verified phone or of device cookie + network: never the raw
    # phone number or IP address (privacy of raters, Wuhan rule against prying into raters)
    voter_key = models.CharField(max_length=64)
    # keyed hash of the client's /24 (/48) network, for spotting bursts; not the address
    network_key = models.CharField(max_length=16, blank=True)
    ticket = models.OneToOneField(
        RatingTicket, null=True, blank=True, on_delete=models.PROTECT, related_name="rating"
    )
    month = models.DateField("月份")  # first day of the calendar month (Asia/Shanghai)
    # which of the voter's RATINGS_PER_VOTER_PER_OFFICIAL_PER_MONTH ratings of this official
    # this month (1 … N): the unique constraint below enforces the monthly limit in the
    # database, so a rating needs no count query (not hashed: it only mirrors the rule)
    voter_slot = models.PositiveSmallIntegerField(default=1, db_default=1)
    created_at = models.DateTimeField("时间")
    # the chain link, set once by the sealer (sealing.py) within RATING_SEAL_MAX_DELAY_SECONDS;
    # until then seq is NULL, the hashes are empty and `mac` vouches for the row
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="", db_default="")

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = "测评"
        verbose_name_plural = "测评"
        constraints = [
            models.UniqueConstraint(fields=["official", "seq"], name="rating_chain_seq"),
            models.UniqueConstraint(
                fields=["official", "voter_key", "month", "voter_slot"],
                name="rating_voter_month_slot",
            ),
        ]
        indexes = [
            models.Index(fields=["official", "month"]),
            models.Index(fields=["unit", "month"]),
            models.Index(fields=["month", "level"]),
            models.Index(fields=["created_at"]),
            # the sealer's every-few-seconds question ("which rows are unsealed?") stays cheap
            models.Index(fields=["official"], condition=models.Q(hash=""), name="rating_unsealed"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.official_id} {self.level}"

    @property
    def is_bad(self):
        return rules.is_bad(self.level)

    def payload(self) -> dict:
        return {
            "official": self.official_id,
            "unit": self.unit_id,
            "level": self.level,
            "attitude": self.attitude,
            "efficiency": self.efficiency,
            "style": self.style,
            "reason": self.reason,
            "anonymous": self.anonymous,
            "channel": self.channel,
            "voter_key": self.voter_key,
            "network_key": self.network_key,
            "ticket": self.ticket_id,
            "month": self.month.isoformat(),
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "seq": self.seq,
        }


class RatingContact(AppendOnlyModel):  # noqa: DJ008  (no natural name; shown by id)
    """Name and mobile of a named rating, encrypted at rest, kept apart from the rating so that
    aggregate reads never touch personal data. Only the office reads it, for call-backs."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="contact")
    name = models.CharField(max_length=50)
    phone_encrypted = models.TextField()

    @classmethod
    def tokens_rewrite(cls, rows) -> None:
        """Key rotation's one narrow path into this append-only table: replace the ciphertext
        of `rows` ([(pk, {"phone_encrypted": token})]) and nothing else. On PostgreSQL the
        trigger (migration 0006) lets an UPDATE through only inside a transaction that set
        portal.key_rotation and only when every other column is unchanged."""
        if set().union(*(values for _, values in rows)) - {"phone_encrypted"}:
            raise AppendOnlyError(f"{cls._meta.label}: only phone_encrypted may be rewritten")
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL portal.key_rotation = 'on'")
            manager = cls._base_manager
            for pk, values in rows:
                manager.filter(pk=pk).update(phone_encrypted=values["phone_encrypted"])


class RatingRevocation(AppendOnlyModel):  # noqa: DJ008  (no natural name; shown by id)
    """撤销: a separate record; the rating itself stays in the trail."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="revocation")
    reason = models.TextField("撤销理由")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "撤销记录"
        verbose_name_plural = "撤销记录"


class AppealStatus(models.TextChoices):
    PENDING = "pending", "待复核"
    UPHELD = "upheld", "维持"
    REVOKED = "revoked", "撤销"


class RatingAppeal(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """申诉复核: the rated official's unit asks the office to review a rating."""

    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grounds = models.TextField("申诉理由")
    status = models.CharField(
        max_length=10, choices=AppealStatus.choices, default=AppealStatus.PENDING
    )
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"


class CallBack(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """回访: every 差评 (deadline CALLBACK_HOURS) and a random sample of good ratings. The
    outcome is recorded once and cannot be changed afterwards (service refuses a second write)."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="callback")
    kind = models.CharField(max_length=10, choices=CallBackKind.choices)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    reached = models.BooleanField("联系上", null=True)
    verified_true = models.BooleanField("情况属实", null=True)
    resolved = models.BooleanField("问题已解决", null=True)
    note = models.TextField("回访记录", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "回访"
        verbose_name_plural = "回访"
        indexes = [models.Index(fields=["recorded_at", "due_at"])]


class StaffPhone(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """A unit's staff mobile numbers, stored only as keyed hashes, so staff cannot rate their
    own unit when phone verification is on."""

    unit = models.ForeignKey("cms.Unit", on_delete=models.CASCADE, related_name="+")
    phone_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "phone_hash"], name="staffphone_unique"),
        ]


# --- issue 4: warnings, unit scores, reports -------------------------------------------------


class OfficialWarning(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """预警: raised once per official, level and period (re-runs are idempotent)."""

    official = models.ForeignKey(
        "cms.OfficialPage", on_delete=models.PROTECT, related_name="warnings"
    )
    level = models.CharField("级别", max_length=3, choices=WarningLevel.choices)
    period_kind = models.CharField(max_length=5, choices=WarningPeriod.choices)
    period_start = models.DateField()
    count = models.PositiveIntegerField("触发时不满意数")
    created_at = models.DateTimeField()

    class Meta:
        # renamed from Warning (it shadowed the builtin); the table keeps its name
        db_table = "evaluation_warning"
        verbose_name = "预警"
        verbose_name_plural = "预警"
        constraints = [
            models.UniqueConstraint(
                fields=["official", "level", "period_kind", "period_start"],
                name="warning_once_per_period",
            ),
        ]


class WarningAction(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    warning = models.ForeignKey(OfficialWarning, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField("处置", max_length=10, choices=WarningActionKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    done_at = models.DateTimeField("时间")
    # private, random name: the original file name names the person (issue 14)
    minutes = models.FileField(
        "谈话记录", storage=private_storage, upload_to=RandomName("warnings"), blank=True
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField()


class UnitViolation(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    """Discipline violation (obstructing the QR code, forcing good ratings, prying into raters)."""

    unit = models.ForeignKey("cms.Unit", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=ViolationKind.choices)
    note = models.TextField(blank=True)
    occurred_on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()


class MonthlyReport(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    month = models.DateField(unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField()


class MonthlyReportFile(models.Model):  # noqa: DJ008  (no natural name; shown by id)
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="files")
    fmt = models.CharField(max_length=5, choices=ReportFormat.choices)
    # private, random name: the leaders' report ranks named officials (issue 14)
    file = models.FileField(storage=private_storage, upload_to=RandomName("reports"))


# kiosks tied to transactions and the SMS sampling channel (issue 17), in their own modules
from .models_kiosk import KioskDevice, KioskTransaction  # noqa: E402, F401
from .models_review import SuspiciousDismissal  # noqa: E402, F401
from .models_sampling import (  # noqa: E402, F401
    ServiceRecord,
    SmsInbound,
    SmsInvitation,
    WindowSystemEndpoint,
)
