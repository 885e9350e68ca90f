"""Dates and times as a citizen reads them in Chinese: 2026年12月2日 08:31 (issue 21).
Templates use |date:"DATE_FORMAT" / "DATETIME_FORMAT"; only machine fields keep ISO."""

DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
