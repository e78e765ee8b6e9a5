"""Create a local demo login on first run, so `make run` ends on a page you can sign in to."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_USERNAME = "demo"


class Command(BaseCommand):
    help = "Create the 'demo' user with a random password and print it (DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("refusing to create a demo login while DEBUG is off")
        users = get_user_model()
        if users.objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(
                f"Demo login '{DEMO_USERNAME}' already exists "
                "(reset it with: python manage.py changepassword demo)."
            )
            return
        password = secrets.token_urlsafe(12)
        users.objects.create_user(username=DEMO_USERNAME, password=password)
        message = f"Created demo login: username '{DEMO_USERNAME}', password '{password}'"
        self.stdout.write(self.style.SUCCESS(message))
