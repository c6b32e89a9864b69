"""Ingestion: load the four source kinds, mask past inquiries, embed, and switch the index atomically."""
