from django.contrib import admin
from django.db.models import F

from issues.models import (
    ApiToken,
    ChecklistItem,
    Issue,
    LoginFailure,
    Milestone,
    Notification,
    Profile,
    Update,
)
from issues.serialization import TEXT_KEYS, normalize


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


class UpdateInline(admin.TabularInline):
    model = Update
    extra = 0


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "type", "priority", "status", "environment", "reported_date")
    list_filter = ("status", "priority", "type", "environment")
    search_fields = ("name", "description", "related_project")
    date_hierarchy = "reported_date"
    raw_id_fields = ("reporter",)
    readonly_fields = ("created_at", "updated_at", "github_filed_at")
    inlines = [MilestoneInline, ChecklistItemInline, UpdateInline]

    def save_model(self, request, obj, form, change):
        """Texts are stored clean, as every other way in stores them (the renderer takes them
        as they are: rule 4 of markdown.md)."""
        for key in TEXT_KEYS:
            setattr(obj, key, normalize(getattr(obj, key)))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        """The rows' texts (a checklist item, a milestone, an update) stored clean too."""
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        for row in rows:
            for name in ("text", "title"):
                if hasattr(row, name):
                    setattr(row, name, normalize(getattr(row, name)))
            row.save()

    def save_related(self, request, form, formsets, change):
        """An edit here changes what the issue's page and exports show: a new version, so that
        nothing cached under the old one is served (issues/issuecache.py)."""
        super().save_related(request, form, formsets, change)
        Issue.objects.filter(pk=form.instance.pk).update(version=F("version") + 1)


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Staff clear a lock-out early by deleting its rows."""

    list_display = ("username", "address", "at")
    search_fields = ("username", "address")
    date_hierarchy = "at"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "github_login", "notify_new_urgent", "notify_assigned", "notify_digest")
    search_fields = ("user__username", "github_login")
    raw_id_fields = ("user",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """What was sent, what is waiting to be retried, and what failed (read only)."""

    list_display = ("id", "kind", "channel", "address", "state", "attempts", "created_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("address", "subject")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Staff see and revoke tokens and set a token's own rate; the secret is never stored."""

    list_display = ("name", "user", "prefix", "scopes", "created_at", "last_used_at", "expires_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    fields = ("user", "name", "prefix", "scopes", "expires_at", "revoked_at", "rate_per_minute")
    readonly_fields = ("user", "prefix")

    def has_add_permission(self, request):
        # A token is created with its secret on /accounts/tokens/ or by create_api_token.
        return False
