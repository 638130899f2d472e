"""``task add``, ``task list``, ``task edit``, ``task rm``: the inbox of unscheduled tasks."""

from __future__ import annotations

import argparse

from flowday.cli.common import Context, out, print_json
from flowday.domain.model import Sphere
from flowday.domain.text import shown
from flowday.domain.timeparse import fmt_duration, parse_duration


def register(commands: argparse._SubParsersAction, shared: argparse.ArgumentParser) -> None:
    task = commands.add_parser("task", parents=[shared], help="the inbox of unscheduled tasks")
    actions = task.add_subparsers(dest="task_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add", parents=[shared], help="flowday task add 'Write report 2h #work'"
    )
    add.add_argument("text", nargs="+", help="title, estimate (45m, 1h30), #sphere")
    add.add_argument("--sphere", help="work, personal or break (default work)")
    add.add_argument("--estimate", help="how long it takes, e.g. 45m or 1h30")
    add.add_argument("--priority", type=int, choices=(1, 2, 3), help="1 high, 2 normal, 3 low")
    add.add_argument("--due", help="due date")
    add.set_defaults(handler=run_task_add)

    listing = actions.add_parser("list", parents=[shared], help="the inbox")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_task_list)

    edit = actions.add_parser("edit", parents=[shared], help="change a task's fields")
    edit.add_argument("id")
    edit.add_argument("--title", help="the new title")
    edit.add_argument("--sphere", help="work, personal or break")
    edit.add_argument("--estimate", help="how long it takes, e.g. 45m or 1h30")
    edit.add_argument("--priority", type=int, choices=(1, 2, 3), help="1 high, 2 normal, 3 low")
    due = edit.add_mutually_exclusive_group()
    due.add_argument("--due", help="due date")
    due.add_argument("--no-due", action="store_true", help="remove the due date")
    edit.set_defaults(handler=run_task_edit)

    remove = actions.add_parser("rm", parents=[shared], help="delete a task")
    remove.add_argument("id")
    remove.set_defaults(handler=run_task_rm)


def run_task_add(args: argparse.Namespace, context: Context) -> int:
    task = context.planner.add_task(
        " ".join(args.text),
        sphere=Sphere.parse(args.sphere) if args.sphere else None,
        estimate=parse_duration(args.estimate) if args.estimate else None,
        priority=args.priority,
        due=context.date(args.due) if args.due else None,
    )
    out(task.id)
    return 0


def run_task_list(args: argparse.Namespace, context: Context) -> int:
    tasks = context.store.tasks()
    if args.json:
        print_json([t.to_dict() for t in tasks])
        return 0
    if not tasks:
        out("inbox is empty")
        return 0
    titles = [shown(t.title) for t in tasks]  # measured as they will show
    width = min(max(len(title) for title in titles), 48)
    for t, title in zip(tasks, titles, strict=True):
        due = f"due {t.due.to_date_string()}" if t.due else ""
        out(
            f"  p{t.priority}  {fmt_duration(t.estimate):>5}  {t.sphere.value:<8} "
            f"{title[:width]:<{width}}  {t.id}  {due}".rstrip()
        )
    return 0


def run_task_edit(args: argparse.Namespace, context: Context) -> int:
    task = context.planner.edit_task(
        args.id,
        title=args.title,
        sphere=Sphere.parse(args.sphere) if args.sphere else None,
        estimate=parse_duration(args.estimate) if args.estimate else None,
        priority=args.priority,
        due=context.date(args.due) if args.due else None,
        clear_due=args.no_due,
    )
    out(f"edited {task.id}  {task.title}")
    return 0


def run_task_rm(args: argparse.Namespace, context: Context) -> int:
    task = context.planner.remove_task(args.id)
    out(f"removed {task.id}  {task.title}")
    return 0
