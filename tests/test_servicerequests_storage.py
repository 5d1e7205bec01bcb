"""Where attachments are stored: under MEDIA_ROOT, which is var/media by default (var/test-media in the
tests) — never the repository root, where a demo attachment once landed (service-requests/… was committed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage

from tests.servicerequests_support import open_request, upload, world

ROOT = Path(__file__).resolve().parent.parent


def test_media_root_defaults_under_var():
    env = {k: v for k, v in os.environ.items() if k not in {"MEDIA_ROOT", "DJANGO_SETTINGS_MODULE", "TESTING"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from django.conf import settings; print(settings.MEDIA_ROOT)"],
        cwd=ROOT, env={**env, "DEBUG": "true"}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip().splitlines()[-1]) == ROOT / "var" / "media"


@pytest.mark.django_db
def test_the_tests_attachments_go_under_var_test_media():
    assert Path(settings.MEDIA_ROOT) == ROOT / "var" / "test-media"
    w = world(languages=False)
    open_request(w, uploads=[upload()])
    from servicerequests.models import Attachment

    stored = Path(default_storage.path(Attachment.objects.get().storage_name))
    try:
        assert stored.is_file() and stored.is_relative_to(ROOT / "var" / "test-media")
        assert stored.relative_to(ROOT / "var" / "test-media").parts[0] == "service-requests"
    finally:
        default_storage.delete(Attachment.objects.get().storage_name)
    assert not (ROOT / "service-requests").exists()
