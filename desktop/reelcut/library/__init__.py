"""The media library: database, file store, atomic ingest, thumbnails."""
