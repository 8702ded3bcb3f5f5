"""Pydantic v2 request and response models."""
