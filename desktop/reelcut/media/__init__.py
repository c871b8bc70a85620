"""Probing, ffmpeg location, encodes."""
