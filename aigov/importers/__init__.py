"""Importers: pinned snapshots of official machine-readable files -> records in sources/."""
