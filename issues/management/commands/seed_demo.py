import datetime
import random

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from issues import rollup
from issues.choices import Status
from issues.dbstats import analyze
from issues.models import ChecklistItem, Issue, Milestone, Update
from issues.template import CHECKLIST_ITEMS

BATCH = 2000
CHECKLIST_INSERT = (
    f"INSERT INTO {ChecklistItem._meta.db_table} "  # noqa: S608 (the table name is ours)
    "(issue_id, checklist, position, text, done, from_template) VALUES (%s, %s, %s, %s, %s, %s)"
)

SUBJECTS = [
    "Recall of the fraud model",
    "Feature store",
    "Nightly training job",
    "Embedding service",
    "Churn model",
    "Ranking model",
    "Data validation step",
    "GPU node pool",
    "Drift monitor",
    "Label pipeline",
    "Batch scoring job",
    "Inference latency",
    "Tokenizer",
    "A/B test pipeline",
]
PROBLEMS = [
    "dropped after weekly retraining",
    "lags by two hours",
    "fails on empty partitions",
    "runs out of memory",
    "is slower than its SLO",
    "misses late events",
    "reports stale metrics",
    "crashes after the library upgrade",
    "gives different results on CPU and GPU",
    "loses rows with null keys",
]
PROJECTS = ["fraud-detector", "recsys-v2", "churn-predictor", "search-ranker", "forecast-core", ""]
FRAMEWORKS = ["PyTorch", "TensorFlow", "scikit-learn", "pandas", "XGBoost", "Spark", "JAX", "Ray"]
PEOPLE = ["alice-ml", "bob", "carol-data", "dave-ops", "erin"]
TYPES = Issue.Type.values
PRIORITIES = Issue.Priority.values
STATUSES = [Status.OPEN, Status.OPEN, Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED]
ENVIRONMENTS = ["", *Issue.Environment.values]
# How many items of each checklist are ticked, by status (Definition of Ready: all or none).
TICKED = {Status.OPEN: 0, Status.IN_PROGRESS: 2, Status.RESOLVED: 5, Status.CLOSED: 6}


class Command(BaseCommand):
    help = "Create N varied, realistic demo issues (fast: bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        count = options["count"]
        today = datetime.date.today()
        created = 0
        while created < count:
            size = min(BATCH, count - created)
            with transaction.atomic():
                issues = Issue.objects.bulk_create(
                    [self.make_issue(rng, today) for _ in range(size)]
                )
                self.add_rows(rng, issues)
            created += size
        analyze()
        rollup.refresh()
        self.stdout.write(f"created {created} issues")

    def make_issue(self, rng, today):
        reported = today - datetime.timedelta(days=rng.randrange(0, 720))
        target = (
            reported + datetime.timedelta(days=rng.randrange(1, 90)) if rng.random() < 0.8 else None
        )
        subject, problem = rng.choice(SUBJECTS), rng.choice(PROBLEMS)
        issue = Issue(
            name=f"{subject} {problem}",
            type=rng.choice(TYPES),
            related_project=rng.choice(PROJECTS),
            description=(
                f"The {subject.lower()} {problem} since {reported.isoformat()}.\n\n"
                f"- Seen in the {rng.choice(['nightly', 'weekly', 'hourly'])} report\n"
                f"- Error rate {rng.randrange(1, 40)}%"
            ),
            expected_behavior=rng.choice(["", "It works as before the change."]),
            proposed_solution=rng.choice(
                ["", "Roll back, then bisect the change.", "Add a check."]
            ),
            frameworks=rng.sample(FRAMEWORKS, rng.randrange(0, 4)),
            data_involved=rng.choice(["", "events_2026 snapshot", "holdout set v7"]),
            environment=rng.choice(ENVIRONMENTS),
            business_impact=rng.choice(["", "Revenue at risk.", "Slower reviews for analysts."]),
            users_affected=rng.choice(["", "All users", "About 2,000 analysts"]),
            priority=rng.choice(PRIORITIES),
            reported_date=reported,
            target_date=target,
            assignees=rng.sample(PEOPLE, rng.randrange(0, 3)),
            status=rng.choice(STATUSES),
        )
        if issue.status in (Status.RESOLVED, Status.CLOSED):
            # Resolved 1-60 days after it was reported (not drawn from rng: the same issues
            # as before for the same seed).
            took = datetime.timedelta(days=1 + reported.toordinal() * 7 % 60)
            issue.resolved_on = min(today, reported + took)
        return issue

    def add_rows(self, rng, issues):
        milestones, items, updates = [], [], []
        for issue in issues:
            ticked = TICKED[issue.status]
            for checklist, texts in CHECKLIST_ITEMS.items():
                done_count = (
                    len(texts) if checklist == ChecklistItem.Kind.READY and ticked else ticked
                )
                items += [
                    (issue.pk, checklist, position, text, position < done_count, True)
                    for position, text in enumerate(texts)
                ]
            if issue.target_date and rng.random() < 0.3:
                milestones += [
                    Milestone(
                        issue=issue,
                        position=0,
                        title="Root cause identified",
                        date=issue.reported_date,
                    ),
                    Milestone(
                        issue=issue, position=1, title="Fix deployed", date=issue.target_date
                    ),
                ]
            if rng.random() < 0.4:
                updates.append(Update(issue=issue, date=issue.reported_date, text="Reported."))
        Milestone.objects.bulk_create(milestones)
        Update.objects.bulk_create(updates)
        # 16 checklist rows an issue: a plain executemany is much faster than bulk_create here
        # (README "Figures behind the code").
        with connection.cursor() as cursor:
            cursor.executemany(CHECKLIST_INSERT, items)
