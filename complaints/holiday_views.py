"""The office's holiday calendar in the Wagtail admin (节假日安排): a ModelViewSet whose create,
edit and delete call the calendar's services (audit event, deadlines recomputed). Only the
office's group holds the model's permissions (granted in migration 0009)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from .models import Holiday


class HolidayCreateView(generic.CreateView):
    def save_instance(self):
        from .services.workflow.holidays import holiday_save

        return holiday_save(holiday=self.form.instance, actor=self.request.user)


class HolidayEditView(generic.EditView):
    def save_instance(self):
        from .services.workflow.holidays import holiday_save

        return holiday_save(holiday=self.form.instance, actor=self.request.user)


class HolidayDeleteView(generic.DeleteView):
    def delete_action(self):
        from .services.workflow.holidays import holiday_delete

        holiday_delete(holiday=self.object, actor=self.request.user)


class HolidayViewSet(ModelViewSet):
    model = Holiday
    menu_label = _("节假日安排")
    icon = "date"
    add_to_admin_menu = True
    menu_order = 935
    form_fields = ["date", "kind", "name", "notice"]
    list_display = ["date", "kind", "name", "notice"]
    list_filter = ["kind"]
    search_fields = ["name", "notice"]
    ordering = ["-date"]
    add_view_class = HolidayCreateView
    edit_view_class = HolidayEditView
    delete_view_class = HolidayDeleteView


holiday_viewset = HolidayViewSet("holidays")
