from django.contrib import admin

from issues.models import ApiToken, ChecklistItem, Issue, Milestone, Update


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
