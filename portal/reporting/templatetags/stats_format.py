"""The one number format of rates on /stats/ (95.0%), for the templates."""

from django import template

from portal.reporting.charts import pct as _pct

register = template.Library()


@register.filter
def pct(value):
    """A rate in % with one decimal: 95.0%; None is "—"."""
    return _pct(value)
