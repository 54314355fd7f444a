import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the superuser 'admin' once; its password comes from ADMIN_PASSWORD or is generated and printed once."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("ADMIN_USERNAME", "admin"))

    def handle(self, *args, username, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Superuser '{username}' exists; its password is unchanged.")
            return
        password = os.environ.get("ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        if os.environ.get("ADMIN_PASSWORD"):
            self.stdout.write(
                self.style.SUCCESS(f"Created superuser '{username}' with the password from ADMIN_PASSWORD.")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created superuser '{username}' with password: {password}"))
            self.stdout.write("This password is shown only once.")
