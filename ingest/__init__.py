"""Ingestion stage: files -> Documents -> cleaned, structured text -> Chunks."""
