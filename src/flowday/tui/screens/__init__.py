"""Screens of the planner, one module each (main, dialogs; reflection/review come from
their own issue)."""
