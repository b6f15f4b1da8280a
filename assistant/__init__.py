"""WiBB-assistent: Dutch chat assistant over the Werken in Breder Belang knowledge base."""
