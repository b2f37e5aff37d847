"""advisor: a command-line monitor of official travel advisories."""

__version__ = "0.1.0"
HOMEPAGE = "https://github.com/advisor-cli/advisor"
