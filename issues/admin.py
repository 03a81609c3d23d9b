from django.contrib import admin

from issues.models import ChecklistItem, Issue, LoginFailure, Milestone, Update


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


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Staff clear a lock-out early by deleting its rows."""

    list_display = ("username", "address", "at")
    search_fields = ("username", "address")
    date_hierarchy = "at"
