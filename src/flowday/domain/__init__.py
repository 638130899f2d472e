"""Pure domain logic: no Textual, no TinyDB (a test enforces it)."""
