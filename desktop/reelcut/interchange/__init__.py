"""Interchange through OpenTimelineIO: the timeline document to and from OTIO, and through
OTIO's adapters to FCP 7 XML, FCPXML and CMX 3600 EDL (issue 15, "Interchange").

`mapping` holds the pure functions (a document and its media in, an OTIO timeline and the list
of what the format cannot carry out; and back). `service` does the I/O: reading the project,
writing or parsing the file, importing the media a file names. `fcp7_text` and `fcpx_text` make
titles the formats' own: FCP 7's Text generator, FCPXML's Basic Title."""

from __future__ import annotations

from .mapping import FORMATS, Format, from_otio, to_otio

__all__ = ["FORMATS", "Format", "from_otio", "to_otio"]
