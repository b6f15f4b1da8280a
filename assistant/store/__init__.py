"""The vector store adapter: Chroma, embedded or as a server. Chroma's results become our own types here."""
