"""The browser app (Gradio): one module per tab, shared handlers, pure views, and how it is served."""
