"""Use cases over a Session. No FastAPI here; services never commit."""
