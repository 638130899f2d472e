"""flowday: a keyboard-driven terminal daily planner for balance or integration days."""

import importlib.util
import sys

__version__ = "0.1.0"


def _defer_free_form_date_parser() -> None:
    """pendulum imports dateutil's free-form parser when it is imported (~10 ms of every
    command's start) but calls it only for text that is not ISO 8601, which flowday never
    hands it: load it when it is first used instead (the stdlib's LazyLoader)."""
    name = "dateutil.parser"
    if name in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        spec = None
    if spec is None or spec.loader is None:
        return  # pendulum will say what is missing
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    # ``from dateutil import parser`` then finds it without going through the import
    # system, whose first look at a module (its ``__spec__``) would load it.
    vars(sys.modules["dateutil"])["parser"] = module


_defer_free_form_date_parser()
