"""Model interfaces (embeddings, chat LLM, vector store) and their local and HTTP implementations."""
