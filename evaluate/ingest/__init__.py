"""Ingest: read survey exports, match columns to items, coerce and validate."""

from evaluate.ingest.readers import (
    PLATFORMS,
    ROLES,
    ExportColumn,
    RawExport,
    detect_platform,
    read_export,
)

__all__ = [
    "PLATFORMS",
    "ROLES",
    "ExportColumn",
    "RawExport",
    "detect_platform",
    "read_export",
]
