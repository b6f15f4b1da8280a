"""Training the reader (issue 21): the training data written from knowledge/, examples mined with the
retriever, fine-tuning with sentence-transformers (torch: dev extra `train`), export to onnxruntime int8,
and the manifest. `wibb train` runs it all; the runtime engine is `assistant.reader`."""
