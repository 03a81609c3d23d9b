"""Reading issue files for the management commands: one-line errors, never tracebacks."""

import json

from django.core.management.base import CommandError


class BadInput(CommandError):
    """Bad input on the command line: a one-line message and exit status 2."""

    def __init__(self, message):
        super().__init__(message, returncode=2)


def read_issue_file(path):
    """The issues in one JSON file (one issue or a list), as a list."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        raise BadInput(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise BadInput(
            f"{path}: invalid JSON: {e.msg} (line {e.lineno}, column {e.colno})"
        ) from None
    except RecursionError:
        raise BadInput(f"{path}: invalid JSON: nested too deeply") from None
    except ValueError as e:
        # Python refuses integers of more than 4,300 digits (int_max_str_digits).
        raise BadInput(f"{path}: invalid JSON: a number with too many digits ({e})") from None
    return data if isinstance(data, list) else [data]
