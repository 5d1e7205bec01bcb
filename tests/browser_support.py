"""Helpers shared by the Playwright modules (the fixtures themselves live in tests/conftest.py)."""

from __future__ import annotations

import os
import re

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "partnercenter"


def sign_in(page, email: str, password: str = PASSWORD) -> None:  # noqa: ANN001
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/(customers|admin-center)/"))
