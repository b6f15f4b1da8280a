"""Optional language model: clients (Ollama, OpenAI-compatible, fake) and the prompts as package data."""
