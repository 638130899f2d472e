"""The application layer: use cases the CLI and the TUI share (domain + store, no UI)."""
