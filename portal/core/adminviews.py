"""Wagtail admin plumbing shared by the back office's apps (knows no domain): a ViewSet
declared as its routes."""

from django.urls import path
from wagtail.admin.viewsets.base import ViewSet


class RoutesViewSet(ViewSet):
    """A ViewSet declared as `routes`: (route, view class, URL name) rows."""

    routes: tuple = ()

    def get_urlpatterns(self):
        return [path(route, view.as_view(), name=name) for route, view, name in self.routes]


class TitleInBreadcrumbs:
    """For a WagtailAdminTemplateMixin view: the breadcrumbs end with the page's own title
    (without it Wagtail's header shows only "Home" on every page)."""

    def get_breadcrumbs_items(self):
        return [*super().get_breadcrumbs_items(), {"url": "", "label": self.get_page_title()}]
