"""Catalogue imports: CSV/TSV/XLSX (one account per row, optional column mapping) and nested
JSON / JSON Lines files of creators, validated as a whole and written all or nothing.

Entry points: `creators_import_file` (service), `run_import_job` (Job handler of
JobKind.IMPORT), `load_mapping`. The format is documented in docs/import-format.md.
"""

from influencers.services.imports.jobs import run_import_job
from influencers.services.imports.mapping import ColumnMapping, load_mapping
from influencers.services.imports.service import ImportResult, creators_import_file, read_import_file

__all__ = [
    "ColumnMapping",
    "ImportResult",
    "creators_import_file",
    "load_mapping",
    "read_import_file",
    "run_import_job",
]
