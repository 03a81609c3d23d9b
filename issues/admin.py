from django.contrib import admin

from issues.models import ChecklistItem, Issue, Milestone, Notification, Profile, Update


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
