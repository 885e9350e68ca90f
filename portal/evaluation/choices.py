"""Choices of the evaluation domain."""

from django.db import models


class Channel(models.TextChoices):
    WEB = "web", "网站"
    QR = "qr", "现场扫码"
    KIOSK = "kiosk", "窗口评价器"
    TICKET = "ticket", "评价券"
    SMS = "sms", "短信回评"


class CallBackKind(models.TextChoices):
    BAD = "bad", "差评回访"
    SAMPLE = "sample", "好评抽样回访"


class WarningLevel(models.TextChoices):
    III = "III", "三级预警（效能告诫）"
    II = "II", "二级预警（效能谈话）"
    I = "I", "一级预警（诫勉谈话）"  # noqa: E741


class WarningPeriod(models.TextChoices):
    MONTH = "month", "月"
    YEAR = "year", "年"


class WarningActionKind(models.TextChoices):
    CAUTION = "caution", "效能告诫"
    TALK = "talk", "效能谈话"
    ADMONISH = "admonish", "诫勉谈话"


class ViolationKind(models.TextChoices):
    QR_OBSTRUCTED = "qr_obstructed", "阻挠扫码评价"
    FORCED_GOOD = "forced_good", "强迫好评"
    PRYING = "prying", "打探评价人"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"
