import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Create a superuser when none exists. Username and password come from "
        "KBSITE_ADMIN_USER / KBSITE_ADMIN_PASSWORD, else 'admin' and a generated password."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                "An admin account exists. Forgot its password? "
                "Run: .venv/bin/python manage.py changepassword <username>"
            )
            return
        username = os.environ.get("KBSITE_ADMIN_USER", "admin")
        password = os.environ.get("KBSITE_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(self.style.SUCCESS("Created the admin account for /admin/:"))
        self.stdout.write(f"  username: {username}")
        if "KBSITE_ADMIN_PASSWORD" in os.environ:
            self.stdout.write("  password: the value of KBSITE_ADMIN_PASSWORD")
        else:
            self.stdout.write(f"  password: {password}   (shown once; change it after logging in)")
