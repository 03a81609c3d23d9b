from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IssuesConfig(AppConfig):
    name = "issues"
    verbose_name = "ML Engineering Issues"

    def ready(self):
        from issues.rollup import ensure_triggers
        from issues.search import ensure_sqlite_index

        post_migrate.connect(ensure_sqlite_index, sender=self)
        post_migrate.connect(ensure_triggers, sender=self)
