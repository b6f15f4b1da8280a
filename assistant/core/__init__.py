"""The pure core: our own frozen types, Dutch text handling and the one sentence splitter.

Nothing here imports another part of the package or a heavy library; every layer above may use it.
"""
