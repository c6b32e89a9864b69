"""Problems found while loading: each names the file, the row (or page) and the field."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestIssue:
    file: str
    message: str
    row: int | None = None
    field: str | None = None
    fatal_for_file: bool = False  # the whole file was skipped (its previously indexed chunks are kept)

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.field:
            where += f" field {self.field!r}"
        return f"{where}: {self.message}"


class FileRejected(Exception):
    """A file that cannot be used at all (wrong encoding, encrypted PDF, missing columns, empty)."""

    def __init__(self, message: str, row: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.row = row
        self.field = field
