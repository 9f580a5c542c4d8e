"""Output writers: tables (CSV, Parquet, Markdown, XLSX), ``report.html`` and ``report.md``."""

from pipeline.report.writer import write_reports

__all__ = ["write_reports"]
