"""The first of ``FILE_UPLOAD_HANDLERS``: Django stops keeping a file's bytes once it passes
``UPLOAD_MAX_BYTES`` (so a huge upload never fills the temporary directory), and the form can say why
the file is missing (``too_large_fields(request)``). The reverse proxy should refuse such bodies even
earlier (docs/deployment.md); ``upload_receive`` checks the purpose's own limit again."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

REQUEST_ATTRIBUTE = "uploads_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                fields = getattr(self.request, REQUEST_ATTRIBUTE, None) or set()
                fields.add(self.field_name)
                setattr(self.request, REQUEST_ATTRIBUTE, fields)
            raise SkipFile()
        return raw_data  # the next handler (memory, then temporary file) keeps it

    def file_complete(self, file_size):
        return None


def too_large_fields(request) -> frozenset[str]:
    """The file fields of this request that were dropped for being over UPLOAD_MAX_BYTES."""
    return frozenset(getattr(request, REQUEST_ATTRIBUTE, None) or ())
