"""The Textual planner: screens and widgets over the domain (see ARCHITECTURE.md)."""
