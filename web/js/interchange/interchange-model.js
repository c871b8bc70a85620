// Timelines that travel to other editors, as pure rules (no DOM; tested with node): the formats
// offered, and what the user is told after a file goes out or comes in.
export const TIMELINE_FORMATS = Object.freeze([
  { key: 'otio', label: 'OpenTimelineIO (.otio)', hint: 'everything, for any OTIO tool' },
  { key: 'fcp7xml', label: 'FCP 7 XML (.xml)', hint: 'Premiere Pro, DaVinci Resolve' },
  { key: 'fcpxml', label: 'FCPXML (.fcpxml)', hint: 'Final Cut Pro' },
  { key: 'edl', label: 'CMX 3600 EDL (.edl)', hint: 'one video track, for any editor' },
]);

export const TIMELINE_FILE_TYPES = '.otio,.xml,.fcpxml,.edl';

const listed = (items) => (items.length <= 3 ? items.join('; ') : `${items.slice(0, 3).join('; ')}; and ${items.length - 3} more`);

// After a file went out: its name, and what the format could not carry (never dropped silently).
export function exportedMessage(filename, warnings) {
  if (!warnings.length) return { message: `Saved ${filename}.`, kind: 'info' };
  return { message: `Saved ${filename}. Not carried: ${listed(warnings)}.`, kind: 'warn' };
}

// After a file came in: what it holds now, and what was simplified or missing.
export function importedMessage(filename, timeline, warnings) {
  const clips = timeline.tracks.reduce((n, t) => n + t.clips.length, 0);
  const head = `Imported ${filename}: ${clips} ${clips === 1 ? 'clip' : 'clips'} on ${timeline.tracks.length} `
    + `${timeline.tracks.length === 1 ? 'track' : 'tracks'}.`;
  if (!warnings.length) return { message: head, kind: 'info' };
  return { message: `${head} ${listed(warnings)}.`, kind: 'warn' };
}
