"""Where the cursor starts on a form page: its first field with an error, or its first field."""


def _fields(form):
    """The form's bound fields in page order, Milestones rows after their step's own fields."""
    yield from form
    for row in getattr(form, "milestones", ()):
        yield from row


def autofocus(form):
    """Mark one field of ``form`` with the autofocus attribute (works without JavaScript)."""
    fields = [field for field in _fields(form) if not field.is_hidden]
    with_error = [field for field in fields if field.errors] if form.is_bound else []
    target = (with_error or fields or [None])[0]
    if target is not None:
        target.field.widget.attrs["autofocus"] = True
