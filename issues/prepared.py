"""Reads compiled to SQL once per process: the issue page's and the export's rows, the list's
count of drafts (and the session and user of every signed-in request, issues/sessions.py).

For a lookup by primary key or by ``issue_id`` the ORM spends about ten times longer building
the SQL than the database spends answering it (README "Performance"), and an issue page makes
eight such reads. Each is written once as a queryset, compiled on first use with its argument
as a marker, and then run on a cursor: its rows become model instances as the ORM makes them
(the ORM's converters, then ``Model.from_db``), with the columns' fields and converters worked
out once rather than on every run as ``Manager.raw`` does. PostgreSQL plans it once per
connection (``planned_once``).
``issue_with_rows`` gives what ``IssueQuerySet.with_rows()`` gives for one issue.
"""

from collections import namedtuple
from contextlib import ExitStack, contextmanager, nullcontext

from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Q
from django.http import Http404

from issues.models import ChecklistItem, Issue, IssueChange, Link, Metric, Milestone, Update

# Stands for the argument while a read is compiled: an id no row has, within the range of
# a 32-bit id (PostgreSQL compiles an out-of-range value as an empty result).
MARKER = -2_100_000_001


class PreparedRead:
    """``build(marker)``, a queryset of one model's own columns (no ``select_related``, no
    annotations), compiled once and run for any argument of the marker's type (an id unless
    told)."""

    def __init__(self, build, marker=MARKER):
        self.build = build
        self.marker = marker
        self.compiled = None
        # The column converters of the connection they were last asked for.
        self.converters = (None, None)

    def __call__(self, value):
        """The rows read for ``value``, as model instances (a list)."""
        statement, values = self._statement(value)
        connection = connections[statement.using]
        with planned_once(statement.using), connection.cursor() as cursor:
            cursor.execute(statement.sql, values)
            return self._instances(statement, cursor.fetchall())

    def _instances(self, statement, rows):
        using = statement.using
        connection = connections[using]
        compiler = connection.ops.compiler("SQLCompiler")(statement.query, connection, using)
        converters = self._converters(statement, compiler)
        if converters:
            rows = compiler.apply_converters(rows, converters)
        from_db = statement.model.from_db
        return [from_db(using, statement.names, row) for row in rows]

    def _statement(self, value):
        if self.compiled is None:
            self.compiled = _compile(self.build(self.marker), self.marker)
        statement = self.compiled
        return statement, [value if param == self.marker else param for param in statement.params]

    def _converters(self, statement, compiler):
        """What the ORM applies to the columns' values read from the compiler's connection:
        worked out again only for another connection."""
        known, converters = self.converters
        if known is not compiler.connection:
            converters = compiler.get_converters(statement.columns)
            self.converters = (compiler.connection, converters)
        return converters

    def count(self, value):
        """How many rows there are for ``value``, counted by the database."""
        statement, values = self._statement(value)
        with planned_once(statement.using):
            return count_rows(statement.sql, values, statement.using)

    def first(self, value):
        """The first row read for ``value``, or None."""
        return next(iter(self(value)), None)


Statement = namedtuple("Statement", "model using query sql params names columns")


def read_together(reads):
    """``[read(value) for read, value in reads]``, the reads of one database. On PostgreSQL
    they are sent together (psycopg's pipeline mode) and their answers come back together:
    one wait for the server instead of one each (README "Performance")."""
    statements = [read._statement(value) for read, value in reads]
    using = statements[0][0].using
    connection = connections[using]
    with planned_once(using), ExitStack() as cursors:
        opened = [cursors.enter_context(connection.cursor()) for _ in statements]
        # Django's error classes for what the pipeline's end raises too (a lost connection is
        # the 503 page's OperationalError, dskit/errors.py).
        with connection.wrap_database_errors, _pipeline(connection):
            for cursor, (statement, values) in zip(opened, statements, strict=True):
                cursor.execute(statement.sql, values)
        answers = [cursor.fetchall() for cursor in opened]
    return [
        read._instances(statement, rows)
        for (read, _), (statement, _), rows in zip(reads, statements, answers, strict=True)
    ]


def _pipeline(connection):
    """psycopg's pipeline on PostgreSQL; SQLite answers in the same process, nothing to wait
    for."""
    return connection.connection.pipeline() if connection.vendor == "postgresql" else nullcontext()


def _compile(queryset, marker):
    """What running ``queryset`` needs, worked out once: its SQL and the fields of its
    columns, in order (what ``ModelIterable`` works out on every run)."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    if marker not in params:
        raise ValueError("the queryset does not use its argument as a parameter")
    if compiler.klass_info.get("related_klass_infos") or compiler.annotation_col_map:
        raise ValueError("the queryset reads more than its model's own columns")
    columns = [column for column, _, _ in compiler.select]
    return Statement(
        model=queryset.model,
        using=queryset.db,
        query=queryset.query,
        sql=sql,
        params=params,
        names=[column.target.attname for column in columns],
        columns=columns,
    )


@contextmanager
def planned_once(using):
    """On PostgreSQL, psycopg prepares the statements run inside, so that the server parses
    and plans each once per connection (a lookup by key plans the same for any value).
    Statements outside stay unprepared, Django's default: settings.database_config says why."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor():  # connected, and its health checked (once a request)
        server = connection.connection
        before, server.prepare_threshold = server.prepare_threshold, 0
        try:
            yield
        finally:
            server.prepare_threshold = before


def counting(sql):
    """The SQL that counts the rows the query ``sql`` reads. ``QuerySet.count()`` builds a
    second query around the first, which costs more than counting a short list (README
    "Performance")."""
    return f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608


def count_rows(sql, params, using):
    """How many rows the query ``sql`` reads."""
    with connections[using].cursor() as cursor:
        cursor.execute(counting(sql), params)
        return cursor.fetchone()[0]


def _related(name, model):
    return name, PreparedRead(lambda pk: model._default_manager.filter(issue_id=pk))


ISSUE = PreparedRead(lambda pk: Issue.objects.listed().filter(pk=pk))
# The related rows ``with_rows()`` prefetches, by their related names.
ROWS = dict(
    _related(name, model)
    for name, model in [
        ("milestones", Milestone),
        ("checklist_items", ChecklistItem),
        ("updates", Update),
        ("metrics", Metric),
        ("links", Link),
    ]
)
# Everyone the issue page names: the reporter and the authors of its updates and changes.
PEOPLE = PreparedRead(
    lambda pk: get_user_model()._default_manager.filter(
        Q(pk__in=Issue.objects.filter(pk=pk).values("reporter_id"))
        | Q(pk__in=Update.objects.filter(issue_id=pk).values("author_id"))
        | Q(pk__in=IssueChange.objects.filter(issue_id=pk).values("user_id"))
    )
)
# The issue page's history: the latest changes, newest first.
HISTORY_SIZE = 20
HISTORY = PreparedRead(lambda pk: IssueChange.objects.filter(issue_id=pk)[:HISTORY_SIZE])
# A user's drafts (the list's "Drafts (n)"), by the user's id.
DRAFTS = PreparedRead(
    lambda user_id: Issue.objects.filter(status=Issue.Status.DRAFT, reporter_id=user_id)
)


def issue_with_rows(pk):
    """Published issue ``pk`` with its related rows, as ``Issue.objects.listed().with_rows()``
    loads it, except that the reporter and the updates' authors are read when first used
    (``page_history`` reads them at once); Http404 if there is none."""
    return _issue_with(pk, {})[0]


def _issue_with(pk, more):
    """``issue_with_rows(pk)`` and the rows of the ``more`` reads of ``pk`` ({name: read}),
    all read together: (issue, {name: rows})."""
    reads = {"issue": ISSUE, **ROWS, **more}
    rows = dict(zip(reads, read_together([(read, pk) for read in reads.values()]), strict=True))
    if not rows["issue"]:
        raise Http404("No such issue.")
    issue = rows["issue"][0]
    issue._prefetched_objects_cache = {}
    for name in ROWS:
        related = getattr(issue, name).all()  # the queryset a prefetch would fill
        related._result_cache = rows[name]
        related._prefetch_done = True
        issue._prefetched_objects_cache[name] = related
    return issue, {name: rows[name] for name in more}


def page_history(issue):
    """The history of ``issue`` (as ``issue_with_rows`` gives it) that its page shows:
    ``HISTORY_SIZE`` changes, newest first, with who made them. The same read of the people
    puts the issue's reporter and its updates' authors in place."""
    people, history = read_together([(PEOPLE, issue.pk), (HISTORY, issue.pk)])
    return _named(issue, people, history)


def issue_page_rows(pk):
    """The issue page's rows, read together: the issue as ``issue_with_rows`` gives it and
    ``page_history``."""
    issue, rows = _issue_with(pk, {"people": PEOPLE, "history": HISTORY})
    return issue, _named(issue, rows["people"], rows["history"])


def _named(issue, people, history):
    """``history``, and the issue's reporter, its updates' authors and the history's users
    put in place from ``people``."""
    by_id = {user.pk: user for user in people}
    issue.reporter = by_id.get(issue.reporter_id)
    for update in issue.updates.all():
        update.author = by_id.get(update.author_id)
    for change in history:
        change.user = by_id.get(change.user_id)
    return history
