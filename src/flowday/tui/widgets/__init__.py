"""Widgets of the planner: each posts messages up; screens call their methods down."""
