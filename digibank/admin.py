from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from digibank.models import (
    AuditLogEntry,
    Digibank,
    Invitation,
    Location,
    Membership,
    Organisation,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_superuser"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Rechten", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


admin.site.register(Digibank)
admin.site.register(Location)
admin.site.register(Organisation)
admin.site.register(Membership)
admin.site.register(Invitation)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "object_repr", "actor", "digibank"]
    list_filter = ["digibank"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
