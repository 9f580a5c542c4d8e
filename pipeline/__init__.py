"""alliance-audit: a content-audit pipeline for therapy-advice articles."""

__version__ = "0.1.0"
