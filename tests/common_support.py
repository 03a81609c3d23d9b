"""What many test modules share: the golden examples' folder and the test users' password."""

from pathlib import Path

EXAMPLES = Path(__file__).parent / "examples"
PASSWORD = "correct horse battery staple"
