"""Django admin registrations: read-only, so ratings and revocations cannot be changed there."""

from django.contrib import admin

from .models import Rating, RatingRevocation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("id", "official", "unit", "level", "channel", "created_at")
    list_filter = ("channel", "level")


@admin.register(RatingRevocation)
class RatingRevocationAdmin(ReadOnlyAdmin):
    list_display = ("rating", "reason", "actor", "created_at")
