"""Retrieval: hybrid dense + BM25 search with metadata filters, scores kept."""
