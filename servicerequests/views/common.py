"""What both sides' pages share: the download response of an attachment, the uploaded files of a form."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest

from servicerequests.models import Attachment


def uploads(request: HttpRequest, field: str = "attachments") -> list:
    return [upload for upload in request.FILES.getlist(field) if upload]


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file as a download, never shown inline, never sniffed into something the browser runs."""
    try:
        handle = default_storage.open(attachment.storage_name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
