"""flowday: a keyboard-driven terminal daily planner for balance or integration days."""

__version__ = "0.1.0"
