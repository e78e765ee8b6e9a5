"""The demo's people and teams, their passwords on this machine, and removing the demo again.

`manage.py seed_demo` loads the demo (decisions/management/commands/seed_demo.py); this module
knows which rows are the demo's and what each demo login may do.

Passwords: each demo login gets a random password, stored hashed like any other. The plain
passwords are kept only in `settings.DEMO_LOGINS_FILE` (var/demo-logins.json, git-ignored,
readable by its owner only), keyed by database, so the logins can be printed again on every
`make run`. Passwords derived from SECRET_KEY would need no file, but the development key is
public, so anyone who has read this repository could sign in as staff to a server someone
started on a shared network.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import QuerySet

from advisor.models import Assessment, Team
from decisions.models import AuditEntry, Comment, Decision, DecisionSequence, Review, Revision, Tag
from decisions.roles import is_reviewer

# Membership marks a login as the demo's, so a reset deletes it and what it wrote. Staff can
# see in /admin/ which accounts those are.
DEMO_GROUP = "Demo logins"

TEAMS = {"payments": "Payments", "search": "Search", "platform": "Platform"}


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    team: str | None
    reviewer: bool = False
    staff: bool = False


PEOPLE = [
    Person("alice", "Alice", "Andersen", "payments"),
    Person("bob", "Bob", "Baker", "payments"),
    Person("carol", "Carol", "Chen", "search"),
    Person("dan", "Dan", "Dlamini", "platform"),
    Person("erin", "Erin", "Evans", "platform", reviewer=True),
    Person("frank", "Frank", "Fischer", "search", reviewer=True),
    # Not `admin`: that is the name people give their own superuser.
    Person("grace", "Grace", "Garcia", None, staff=True),
]

ROLES_LEGEND = (
    "Team members write and propose their team's decisions; reviewers approve or reject\n"
    "other people's proposals; staff manage teams, people and reviewers in /admin/."
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


def demo_users() -> QuerySet[User]:
    return User.objects.filter(groups__name=DEMO_GROUP)


def _role(user: User) -> str:
    parts = []
    if user.is_staff:
        parts.append("staff (opens /admin/)")
    if is_reviewer(user):
        parts.append("architecture reviewer")
    parts += [f"{team.name} team member" for team in user.teams.all()]
    return ", ".join(parts) or "no team"


def demo_logins() -> list[DemoLogin]:
    """Every demo login in the database with its role and its password on this machine
    ("" when this machine does not know it)."""
    known = passwords_read()
    users = demo_users().order_by("username").prefetch_related("groups", "teams")
    return [DemoLogin(user.username, known.get(user.username, ""), _role(user)) for user in users]


# -- the passwords file --------------------------------------------------------------------


def _database_label() -> str:
    """Which database the passwords belong to: one file serves every DATABASE_URL used here."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:{Path(db['NAME']).resolve()}"
    return f"{connection.vendor}://{db['HOST'] or 'localhost'}:{db['PORT'] or ''}/{db['NAME']}"


def _read_file() -> dict[str, dict[str, str]]:
    path = Path(settings.DEMO_LOGINS_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        # Unreadable is the same as missing: the demo logins get new passwords.
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(label): {str(name): str(word) for name, word in entry.items()}
        for label, entry in data.items()
        if isinstance(entry, dict)
    }


def passwords_read() -> dict[str, str]:
    return _read_file().get(_database_label(), {})


def passwords_write(passwords: dict[str, str]) -> None:
    """Keep these passwords for this database (replacing what was kept for it), readable by
    the file's owner only."""
    path = Path(settings.DEMO_LOGINS_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = _read_file()
    if passwords:
        data[_database_label()] = dict(sorted(passwords.items()))
    else:
        data.pop(_database_label(), None)
    # mkstemp creates the file with mode 0600; replacing keeps a reader from seeing half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".demo-logins-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2)
        out.write("\n")
    os.replace(temporary, path)


def new_password() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def demo_passwords_renew() -> list[str]:
    """Give a new password to every demo login whose password this machine does not know (the
    file was deleted, or the database came from elsewhere). Returns their usernames."""
    known = passwords_read()
    renewed = {}
    for user in demo_users().exclude(username__in=known):
        renewed[user.username] = new_password()
        user.set_password(renewed[user.username])
        user.save(update_fields=["password"])
    if renewed:
        passwords_write({**known, **renewed})
    return sorted(renewed)


# -- reset -----------------------------------------------------------------------------------


def demo_reset_refusal() -> str:
    """Why the demo cannot be deleted, or "" when it can.

    A reset deletes the demo logins and everything they wrote. When anyone else has written
    anything here, their work could depend on the demo's (a comment on a demo decision, a
    decision in a demo team), so the reset refuses rather than guess what is whose.
    """
    others = User.objects.exclude(groups__name=DEMO_GROUP)
    written = [
        (Assessment.objects.filter(owner__in=others).count(), "assessment"),
        (Decision.objects.filter(author__in=others).count(), "decision"),
        (Revision.objects.filter(author__in=others).count(), "version of a decision"),
        (Review.objects.filter(reviewer__in=others).count(), "review"),
        (Comment.objects.filter(author__in=others).count(), "comment"),
        (AuditEntry.objects.filter(actor__in=others).count(), "timeline entry"),
    ]
    found = [f"{count} {noun}{'' if count == 1 else 's'}" for count, noun in written if count]
    if not found:
        return ""
    return (
        "refusing to reset the demo: logins that are not the demo's wrote "
        f"{', '.join(found)} here, and a reset deletes only the demo's data"
    )


@dataclass(frozen=True)
class Deleted:
    logins: int
    teams: int
    assessments: int
    decisions: int


@transaction.atomic
def demo_delete() -> Deleted:
    """Delete the demo logins, their assessments and decisions (with every version, review,
    comment and timeline entry) and the demo teams. Call only when demo_reset_refusal() is ""."""
    users = demo_users()
    decisions = Decision.objects.filter(author__in=users)
    tag_ids = list(Tag.objects.filter(decisions__in=decisions).values_list("id", flat=True))
    # Replacements point at each other with PROTECT; unhook them so the rows can go together.
    decisions.update(superseded_by=None, replaces=None)
    deleted = Deleted(
        logins=users.count(),
        teams=Team.objects.filter(slug__in=TEAMS).count(),
        assessments=Assessment.objects.filter(owner__in=users).count(),
        decisions=decisions.count(),
    )
    decisions.delete()
    Assessment.objects.filter(owner__in=users).delete()
    Team.objects.filter(slug__in=TEAMS).delete()
    Tag.objects.filter(id__in=tag_ids, decisions__isnull=True).delete()
    User.objects.filter(pk__in=list(users.values_list("pk", flat=True))).delete()
    if not Decision.objects.exists():
        # A fresh demo starts again at ADR-0001, as it did the first time.
        DecisionSequence.objects.filter(pk=1).update(last=0)
    passwords_write({})
    return deleted
