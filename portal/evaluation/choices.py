"""Choices of the evaluation domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("网站")
    QR = "qr", _("现场扫码")
    KIOSK = "kiosk", _("窗口评价器")
    TICKET = "ticket", _("评价券")
    SMS = "sms", _("短信回评")


class CallBackKind(models.TextChoices):
    BAD = "bad", _("差评回访")
    SAMPLE = "sample", _("好评抽样回访")


class WarningLevel(models.TextChoices):
    III = "III", _("三级预警（效能告诫）")
    II = "II", _("二级预警（效能谈话）")
    I = "I", _("一级预警（诫勉谈话）")  # noqa: E741


class WarningPeriod(models.TextChoices):
    MONTH = "month", _("月")
    YEAR = "year", _("年")


class WarningActionKind(models.TextChoices):
    CAUTION = "caution", _("效能告诫")
    TALK = "talk", _("效能谈话")
    ADMONISH = "admonish", _("诫勉谈话")


class ViolationKind(models.TextChoices):
    QR_OBSTRUCTED = "qr_obstructed", _("阻挠扫码评价")
    FORCED_GOOD = "forced_good", _("强迫好评")
    PRYING = "prying", _("打探评价人")


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
