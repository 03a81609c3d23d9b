"""The words the ML Engineering Issue template fixes (the spec's template.md): section
headings and their emoji, field labels, type labels, priority legends and checklist items.

Everything that shows the template takes its wording from here: the Markdown renderer, the
parser, the models' labels and choices, the forms, the pages (the ``issue_template`` context
processor) and the demo seed. Adding a Type of Issue is one line in ``TYPE_LABELS`` (and a
migration for the choices it changes); renaming a heading is one edit in ``Section`` below.
Plain data: no Django, so the renderer stays pure.
"""

from typing import NamedTuple


class Section(NamedTuple):
    """One ``###`` section of the template, e.g. ``### Issue Overview 📋``."""

    title: str
    emoji: str = ""

    @property
    def label(self) -> str:
        """The title with its emoji, as the pages show it."""
        return f"{self.title} {self.emoji}" if self.emoji else self.title

    @property
    def heading(self) -> str:
        """The Markdown heading."""
        return f"### {self.label}"


TITLE_HEADING = "## Machine Learning Engineering Issue 🤖"
OVERVIEW = Section("Issue Overview", "📋")
DETAILS = Section("Specific Details", "🔬")
TODO = Section("To-Do List", "📝")
IMPACT = Section("Impact Assessment", "📊")
PRIORITY = Section("Priority")
TIMELINE = Section("Communication and Timeline", "📅")
READY = Section("Definition of Ready", "✅")
DONE = Section("Definition of Done", "✅")
UPDATES = Section("Updates", "🔄")
SECTIONS = (OVERVIEW, DETAILS, TODO, IMPACT, PRIORITY, TIMELINE, READY, DONE, UPDATES)

# The label of each field, by its key in the JSON form (issues/schema/issue.schema.json).
FIELD_LABELS = {
    "name": "Issue Name",
    "type": "Type of Issue",
    "related_project": "Related Model/Project",
    "description": "Issue Description",
    "expected_behavior": "Expected Behavior",
    "proposed_solution": "Proposed Solution",
    "frameworks": "ML Framework/Libraries",
    "data_involved": "Data Involved",
    "environment": "Environment",
    "business_impact": "Business Impact",
    "users_affected": "Users/Systems Affected",
    "priority": "Priority",
    "reported_date": "Reported Date",
    "target_date": "Target Resolution Date",
    # The front matter's ``assignees:``: GitHub logins.
    "assignees": "Assignees",
}
# The template's placeholders (template.md), field by field: a field left as its placeholder
# is unanswered. Only these: "[WIP]" is a user's value.
PLACEHOLDERS = {
    "name": "[Provide a concise, descriptive name for the ML engineering issue]",
    "type": "[e.g., Model Performance, Data Pipeline, Deployment, Monitoring, etc.]",
    "related_project": "[Specify the ML model or project this issue relates to]",
    "description": "[Provide a detailed description of the issue. Include context, observed "
    "behavior, and any relevant metrics or logs.]",
    "expected_behavior": "[Describe what the expected behavior or outcome should be once this "
    "issue is resolved.]",
    "proposed_solution": "[If you have ideas on how to address this issue, outline them here. "
    "Include potential approaches or techniques to investigate.]",
    "frameworks": "[List relevant ML frameworks and libraries, e.g., TensorFlow, PyTorch, "
    "scikit-learn]",
    "data_involved": "[Describe any datasets or data sources relevant to this issue]",
    "environment": "[Specify the environment where this issue occurs, e.g., development, "
    "staging, production]",
    "business_impact": "[Describe how this issue affects business objectives or model performance]",
    "users_affected": "[Estimate the number of users or systems impacted]",
    "priority": "[Select one: `!p0`/`!p1`/`!p2`/`!p3`]",
    "reported_date": "[YYYY-MM-DD]",
    "target_date": "[YYYY-MM-DD]",
    "milestone_date": "[Date]",
    "update_date": "[YYYY-MM-DD]",
}


def hint(key: str) -> str:
    """A field's placeholder without its brackets: the form's help text."""
    return PLACEHOLDERS[key][1:-1]


TECHNICAL_DETAILS = "Technical Details"
MILESTONES = "Milestones"

# Type of Issue: stored value → label, in the template's order (rule 7 of markdown.md).
TYPE_LABELS = {
    "model_performance": "Model Performance",
    "data_pipeline": "Data Pipeline",
    "data_quality": "Data Quality",
    "training": "Training",
    "deployment": "Deployment",
    "monitoring": "Monitoring",
    "infrastructure": "Infrastructure",
    "other": "Other",
}

# Priority: stored value → (what the priority means, what to communicate), the two legends.
PRIORITIES = {
    "p0": (
        "Critical priority. Must be addressed immediately, potentially dropping other work.",
        "Communicate immediate action and provide frequent updates until resolved.",
    ),
    "p1": (
        "High priority. Should be included in the current or next cycle.",
        "Provide a timeline for implementation (current cycle or next cycle).",
    ),
    "p2": (
        "Medium priority. Plan to address in the near future, within the next few cycles.",
        "Give an estimated timeframe (e.g., within the next month or quarter).",
    ),
    "p3": (
        "Low priority. Nice to have, but not crucial. Will be addressed as time and resources "
        "allow.",
        "Acknowledge the request but explain it's not currently prioritized. Offer to reassess "
        "if business needs change.",
    ),
}
PRIORITY_MEANINGS = {priority: meaning for priority, (meaning, _) in PRIORITIES.items()}


def priority_label(priority: str) -> str:
    """``!p1``: a priority as the template (and GitHub's label) writes it."""
    return f"!{priority}"


# The three checklists' items, by the kind of checklist (ChecklistItem.Kind's values). An issue
# never given a checklist has these, unticked (rule 6).
TODO_ITEMS = (
    "Investigate root cause",
    "Develop solution approach",
    "Implement changes",
    "Test and validate solution",
    "Update documentation",
    "Deploy to production (if applicable)",
)
READY_ITEMS = (
    "The issue description is clear and comprehensive",
    "Expected behavior is defined",
    "Technical details are provided",
    "Impact and priority are assessed",
    "Initial investigation has been conducted",
)
DONE_ITEMS = (
    "The root cause is identified and addressed",
    "The solution is implemented and tested",
    "Model performance meets expected criteria (if applicable)",
    "Documentation is updated",
    "The solution is deployed to the appropriate environment",
    "Post-deployment monitoring shows no issues",
)
CHECKLIST_SECTIONS = {"todo": TODO, "ready": READY, "done": DONE}
CHECKLIST_ITEMS = {"todo": TODO_ITEMS, "ready": READY_ITEMS, "done": DONE_ITEMS}

# The lines the template writes around the fields.
TIMELINE_INTRO = (
    "Based on the priority level, please provide the appropriate communication and timeline:"
)
READY_INTRO = "This issue is ready to be worked on when:"
DONE_INTRO = "This issue is considered done when:"
CHECKLIST_INTROS = {"todo": "", "ready": READY_INTRO, "done": DONE_INTRO}
UPDATES_INTRO = "[Use this section to log progress, decisions, and key findings.]"
NO_RESPONSE = "_No response_"

GREETING = f"""\
{TITLE_HEADING}

Hello, Team software member!
Please use this template to document and track ML engineering tasks and issues.
Not every section is required.
When in doubt, provide an initial guess as basis for discussion.
After reviewing the issue, we'll update as needed."""

CLOSING = """\
---

Remember to update this issue regularly with your progress and any new findings.
Good luck with resolving this ML engineering challenge! 🚀

"Science, my lad, is made up of mistakes, but they are mistakes which it is useful to make, \
because they lead little by little to the truth." - Jules Verne"""

# The front matter's fixed lines, the labels every filed issue carries and the title's prefix.
TEMPLATE_NAME = "ML Engineering Issue"
TEMPLATE_ABOUT = (
    "Use this template to create and track machine learning engineering tasks and issues"
)
BASE_LABELS = ("feature", "@dskit")
TITLE_PREFIX = "dskit: "
