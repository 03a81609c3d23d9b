"""The length limits that keep every issue fileable on GitHub: one constant per limit.

The JSON schema (issues/schema/issue.schema.json) states the same numbers; a test checks it.
"""

# A one-line text: Issue Name, Related Model/Project, a milestone's title, a link's label.
SHORT_TEXT_MAX_LENGTH = 200
# A link's target (a URL or an MLflow URI).
LINK_TARGET_MAX_LENGTH = 2000
# A metric's name and its unit.
METRIC_NAME_MAX_LENGTH = 100
METRIC_UNIT_MAX_LENGTH = 20
# Metrics, and links, of one issue.
ROWS_MAX = 50
# GitHub refuses an issue body longer than this many characters.
GITHUB_BODY_LIMIT = 65_536
# A GitHub repository's "owner/name": an owner of at most 39 characters, a name of at most 100.
GITHUB_REPOSITORY_MAX_LENGTH = 140
# One item of a checklist (To-Do, Definition of Ready, Definition of Done).
CHECKLIST_ITEM_MAX_LENGTH = 300
# One entry of Updates. Several still fit in a body, and adding one is refused when the body
# would pass GITHUB_BODY_LIMIT, so no update can make an issue unfileable or uneditable.
UPDATE_MAX_LENGTH = 10_000


def over_github_limit(length: int) -> str:
    """How far a body of ``length`` characters is over GITHUB_BODY_LIMIT, in the words every
    refusal uses (each says where and what to do)."""
    over = length - GITHUB_BODY_LIMIT
    return (
        f"{over:,} character{'' if over == 1 else 's'} over GitHub's limit of "
        f"{GITHUB_BODY_LIMIT:,} characters (its body would be {length:,})"
    )
