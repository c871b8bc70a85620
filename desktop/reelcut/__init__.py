"""Reelcut: a desktop video editor with AI clip generation."""

__version__ = "0.1.0"
