"""What every versioned GDAP object shares: a version bumped on every write and the weak ETag
(Graph's `@odata.etag`) derived from the id and that version."""

from __future__ import annotations

import base64

from django.db import models
from django.utils import timezone


def etag_for(pk: object, version: int) -> str:
    """W/"<base64 of id:version>": changes with every write, opaque to clients (like Graph's)."""
    raw = f"{pk}:{version}".encode()
    return 'W/"' + base64.b64encode(raw).decode("ascii") + '"'


class Versioned(models.Model):
    """`version` starts at 1 and every save() bumps it and `last_modified_at` (also a save of only some
    fields: both are added to `update_fields`). A queryset .update() bypasses this: add
    `version=F("version") + 1, last_modified_at=now` to it. Changing only an M2M (roles) is a write
    too: the services save the row afterwards."""

    version = models.PositiveIntegerField(default=0, editable=False)
    last_modified_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.version = (self.version or 0) + 1
        self.last_modified_at = timezone.now()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "version", "last_modified_at"}
        super().save(*args, **kwargs)

    @property
    def etag(self) -> str:
        return etag_for(self.pk, self.version)
