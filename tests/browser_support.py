"""The real browser (Playwright) as a person uses it: the guided form filled by the template's
labels and the buttons' names, and every page checked by axe-core (and for CSP reports)."""

from axe_playwright_python.sync_playwright import Axe

from issues.template import TYPE_LABELS

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE = Axe()


def press(page, name):
    page.get_by_role("button", name=name, exact=True).click()


def fill_overview(page, data):
    page.get_by_label("Issue Name").fill(data["name"])
    page.get_by_label("Type of Issue").select_option(label=TYPE_LABELS[data["type"]])
    page.get_by_label("Related Model/Project").fill(data["related_project"])


def fill_details(page, data):
    page.get_by_label("Issue Description").fill(data["description"])
    page.get_by_label("Expected Behavior").fill(data["expected_behavior"])
    page.get_by_label("Proposed Solution").fill(data["proposed_solution"])
    page.get_by_label("ML Framework/Libraries").fill(", ".join(data["frameworks"]))
    page.get_by_label("Data Involved").fill(data["data_involved"])
    page.get_by_label("Environment").select_option(label=data["environment"])


def milestone_input(page, number, label):
    return page.get_by_role("group", name=f"Milestone {number}").get_by_label(label, exact=True)


def fill_milestone(page, number, milestone):
    milestone_input(page, number, "Milestone").fill(milestone["title"])
    milestone_input(page, number, "Date").fill(milestone["date"])


class Audit:
    """Runs axe on each page visited and collects violations and CSP reports by page."""

    def __init__(self, page):
        self.page = page
        self.problems = []
        self.csp = []
        page.on(
            "console",
            lambda message: (
                self.csp.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )

    def check(self, label):
        results = AXE.run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        for violation in results.response["violations"]:
            targets = [node["target"] for node in violation["nodes"]][:3]
            self.problems.append(f"{label}: {violation['id']} ({violation['help']}) at {targets}")

    def assert_clean(self):
        assert not self.problems, "axe violations:\n" + "\n".join(self.problems)
        assert not self.csp, "CSP violations:\n" + "\n".join(self.csp)
