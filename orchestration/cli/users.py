"""`workforce users ...`: manage the dashboard's local users file (roles and hashed passwords).

- ``workforce users add USERNAME --role la --la 390 [--name "Dan Director"] [--email ...]``: asks for the
  password twice (or reads one line from standard input with ``--password-stdin``), hashes it with scrypt and
  writes the entry; ``--no-password`` adds an OIDC-only entry (signs in through the organisation's account,
  mapped by ``--email``).
- ``workforce users remove USERNAME``; ``workforce users list`` (never prints hashes).

The users file itself (reading, hashing, adding, removing, the demonstration users) is
``pipeline.access.users``, which the dashboard's sign-in reads too.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from pipeline.access.roles import Role
from pipeline.access.users import User, UsersFileError, add_user, load_users, remove_user
from pipeline.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``users`` command and its sub-commands to the CLI's parser."""
    users = commands.add_parser("users", help="manage the dashboard's users (roles, hashed passwords)")
    actions = users.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add or replace a user (asks for the password)")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--la", help="the LA's old_la_code (role la)")
    add.add_argument("--alliance", help="the alliance code (role analyst; optional for la)")
    add.add_argument("--name", help="the name shown in the dashboard")
    add.add_argument("--email", help="maps an OIDC identity to this user")
    how = add.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    how.add_argument("--no-password", action="store_true", help="OIDC sign-in only")
    add.set_defaults(handler=_add)

    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("username")
    remove.set_defaults(handler=_remove)

    listing = actions.add_parser("list", help="list the users and their roles")
    listing.set_defaults(handler=_list)


def _password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"password for {args.username}: ")
    if first != getpass.getpass("again: "):
        raise UsersFileError("the two passwords differ")
    return first


def _add(args: argparse.Namespace) -> int:
    path = Settings.from_env().users_file
    try:
        user = User(username=args.username, name=args.name or args.username, role=Role(args.role), la=args.la,
                    alliance=args.alliance, email=args.email)
        stored = add_user(path, user, _password(args))
    except UsersFileError as exc:
        print(f"users: {exc}", file=sys.stderr)
        return 2
    print(f"saved user {stored.username} ({stored.role.value}) in {path}")
    return 0


def _remove(args: argparse.Namespace) -> int:
    path = Settings.from_env().users_file
    if not remove_user(path, args.username):
        print(f"users: no user {args.username!r} in {path}", file=sys.stderr)
        return 1
    print(f"removed user {args.username} from {path}")
    return 0


def _list(args: argparse.Namespace) -> int:
    path = Settings.from_env().users_file
    try:
        users = load_users(path)
    except UsersFileError as exc:
        print(f"users: {exc}", file=sys.stderr)
        return 2
    if not users:
        print(f"no users in {path}")
    for user in users.values():
        scope = user.la or user.alliance or ""
        sign_in = "password" if user.password_hash else "OIDC only"
        print(f"{user.username}\t{user.role.value}\t{scope}\t{sign_in}\t{user.name}")
    return 0
