"""Ingest: read a knowledge folder (schema checked), cut documents into chunks, index only what changed."""
