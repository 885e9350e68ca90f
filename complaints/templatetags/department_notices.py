"""{% department_unread_count as n %}: the signed-in department handler's unread notices."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def department_unread_count(context) -> int:
    from complaints.services.notices import department_notice_unread_count

    request = context.get("request")
    return department_notice_unread_count(user=request.user) if request else 0
