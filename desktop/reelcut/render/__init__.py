"""Rendering from the library: timeline exports and preview proxies, each a background run."""
