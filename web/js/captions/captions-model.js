// Editing a captions track's lines, as pure functions on the timeline document (no DOM; tested
// with node): a line's start, end and text, split, merge, shift, delete, add. Each answers
// {doc} (a new document: one undo step) or {error, field} (the document is left as it was), by
// the server's rules: a line lasts at least a millisecond, starts at 0 or later, and never
// overlaps another line of its track (touching is fine).
import { uid } from '../timeline/timeline-model.js';
import { badStyleValue } from '../inspector/style-model.js';

const EPS = 1e-6;
export const MIN_LINE = 0.001; // seconds: the server's shortest line
export const NEW_LINE = 2; // seconds: a line added at the playhead, shortened to fit
const round = (t) => Math.round(t * 1000) / 1000; // subtitle files keep milliseconds

export const captionTracks = (doc) => (doc ? doc.tracks.filter((t) => t.kind === 'captions') : []);
export const lineEnd = (line) => line.start + line.duration;

// The line of `sorted` (lines by start, never overlapping) under time t, or null: a binary
// search, as the playhead asks on every frame of a track of up to 5000 lines.
export function lineAt(sorted, t) {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const line = sorted[mid];
    if (t < line.start) hi = mid - 1;
    else if (t >= lineEnd(line)) lo = mid + 1;
    else return line;
  }
  return null;
}

// The document with one captions track's lines replaced (sorted by start); the rest shared.
function withLines(doc, trackId, lines) {
  return {
    ...doc,
    tracks: doc.tracks.map((t) => (t.id === trackId ? { ...t, clips: [...lines].sort((a, b) => a.start - b.start) } : t)),
  };
}

function trackOf(doc, trackId) {
  const track = doc.tracks.find((t) => t.id === trackId && t.kind === 'captions');
  if (!track) return { error: 'That captions track is gone.', field: 'track' };
  return { track };
}

const span = (s, e) => `${fmt(s)}–${fmt(e)}`;
export function fmt(t) {
  const ms = Math.round(t * 1000);
  const m = Math.floor(ms / 60000);
  const s = (ms % 60000) / 1000;
  return `${m}:${s.toFixed(3).padStart(6, '0')}`;
}

// Why the lines would break the rules (the first line that does), or null.
function refusal(lines, changedId) {
  const sorted = [...lines].sort((a, b) => a.start - b.start);
  for (const [i, line] of sorted.entries()) {
    if (line.start < -EPS) return { error: `A line cannot start before 0 (it would start at ${fmt(line.start)}).`, field: 'start', id: line.id };
    if (line.duration < MIN_LINE - EPS) {
      return { error: 'The line would end before it starts.', field: line.id === changedId ? 'end' : 'start', id: line.id };
    }
    const next = sorted[i + 1];
    if (next && lineEnd(line) - next.start > EPS) {
      const other = line.id === changedId ? next : line;
      const field = line.id === changedId ? 'end' : 'start';
      return { error: `It would overlap the line at ${span(other.start, lineEnd(other))}: captions on one track never overlap.`, field,
        id: changedId ?? line.id };
    }
  }
  return null;
}

function result(doc, trackId, lines, changedId) {
  const bad = refusal(lines, changedId);
  if (bad) return { error: bad.error, field: bad.field };
  return { doc: withLines(doc, trackId, lines) };
}

// A line's start, end (seconds) or text changed; the other fields stay.
export function setLine(doc, trackId, lineId, { start, end, text }) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  const line = track.clips.find((c) => c.id === lineId);
  if (!line) return { error: 'That line is gone.', field: 'line' };
  for (const [name, v] of [['start', start], ['end', end]]) {
    if (v !== undefined && !Number.isFinite(v)) return { error: `The ${name} must be a number of seconds.`, field: name };
  }
  const s = start !== undefined ? round(start) : line.start;
  const e = end !== undefined ? round(end) : lineEnd(line);
  if (e - s < MIN_LINE - EPS) return { error: 'The line would end before it starts.', field: end !== undefined ? 'end' : 'start' };
  if (text !== undefined && text.length > 1000) return { error: 'A line holds at most 1000 characters.', field: 'text' };
  const changed = { ...line, start: s, duration: round(e - s) };
  if (text !== undefined) changed.text = text;
  const lines = track.clips.map((c) => (c.id === lineId ? changed : c));
  const out = result(doc, trackId, lines, lineId);
  if (out.error && start !== undefined && end === undefined) out.field = 'start';
  else if (out.error && end !== undefined && start === undefined) out.field = 'end';
  return out;
}

// The text cut at the word boundary nearest to `fraction` of its characters: [left, right]. A
// text with no space inside is cut at the nearest character.
export function splitText(text, fraction) {
  const at = Math.round(text.length * Math.min(1, Math.max(0, fraction)));
  const bounds = [];
  for (let i = 1; i < text.length; i += 1) if (/\s/.test(text[i]) && !/\s/.test(text[i - 1])) bounds.push(i);
  const cut = bounds.length ? bounds.reduce((best, b) => (Math.abs(b - at) < Math.abs(best - at) ? b : best)) : at;
  return [text.slice(0, cut).trim(), text.slice(cut).trim()];
}

// The line under time t split there in two: its text divided at the word nearest the same fraction.
export function splitLine(doc, trackId, t) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  const at = round(t);
  const line = track.clips.find((c) => at > c.start + MIN_LINE / 2 && at < lineEnd(c) - MIN_LINE / 2);
  if (!line) return { error: 'Put the playhead inside a line to split it.', field: 'split' };
  const [left, right] = splitText(line.text, (at - line.start) / line.duration);
  const first = { ...line, duration: round(at - line.start), text: left };
  const second = { ...line, id: `line-${uid().slice(0, 10)}`, start: at, duration: round(lineEnd(line) - at), text: right };
  return { doc: withLines(doc, trackId, track.clips.flatMap((c) => (c.id === line.id ? [first, second] : [c]))), ids: [first.id, second.id] };
}

// A line and the one after it become one, from the first's start to the second's end, their
// texts joined by a space (the first's style kept).
export function mergeNext(doc, trackId, lineId) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  const sorted = [...track.clips].sort((a, b) => a.start - b.start);
  const i = sorted.findIndex((c) => c.id === lineId);
  if (i < 0) return { error: 'That line is gone.', field: 'line' };
  if (i + 1 >= sorted.length) return { error: 'The last line has no line after it to merge with.', field: 'merge' };
  const [a, b] = [sorted[i], sorted[i + 1]];
  const merged = { ...a, duration: round(lineEnd(b) - a.start), text: [a.text, b.text].filter((s) => s.trim()).join(' ') };
  return { doc: withLines(doc, trackId, sorted.filter((c) => c.id !== b.id).map((c) => (c.id === a.id ? merged : c))) };
}

// Every line of the track moved by `offset` seconds (negative: earlier).
export function shiftLines(doc, trackId, offset) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  if (!Number.isFinite(offset)) return { error: 'The offset must be a number of seconds.', field: 'shift' };
  if (!track.clips.length) return { error: 'The track has no lines to shift.', field: 'shift' };
  if (Math.abs(offset) < EPS) return { error: 'An offset of 0 moves nothing.', field: 'shift' };
  const first = Math.min(...track.clips.map((c) => c.start));
  if (first + offset < -EPS) {
    return { error: `The first line starts at ${fmt(first)}: shifting it by ${offset} s would start it before 0.`, field: 'shift' };
  }
  return { doc: withLines(doc, trackId, track.clips.map((c) => ({ ...c, start: Math.max(0, round(c.start + offset)) }))) };
}

export function deleteLine(doc, trackId, lineId) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  if (!track.clips.some((c) => c.id === lineId)) return { error: 'That line is gone.', field: 'line' };
  return { doc: withLines(doc, trackId, track.clips.filter((c) => c.id !== lineId)) };
}

// A new line at time t, NEW_LINE seconds long or up to the next line; refused inside a line.
export function addLine(doc, trackId, t, text = 'New caption') {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  const at = Math.max(0, round(t));
  if (track.clips.some((c) => at >= c.start - EPS && at < lineEnd(c) - EPS)) {
    return { error: `A line is already at ${fmt(at)}: move the playhead to a gap between lines.`, field: 'add' };
  }
  const next = Math.min(Infinity, ...track.clips.filter((c) => c.start > at).map((c) => c.start));
  const duration = round(Math.min(NEW_LINE, next - at));
  const line = { id: `line-${uid().slice(0, 10)}`, start: at, duration, text };
  return { doc: withLines(doc, trackId, [...track.clips, line]), id: line.id };
}

// -- a line's own style -------------------------------------------------------------------------
// A line may override its track's style key by key (the export and the preview merge them:
// wrap-model.js's lineStyle, media/captions.py's line_style); a track's style is the same keys.
// The values are checked by the style form's rules (inspector/style-model.js).
// A line's own style with `patch` laid over it, key by key: a key set to null goes back to the
// track's. No key left: null (the line has no style of its own).
export function overrideStyle(own, patch) {
  const out = { ...(own || {}) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete out[key];
    else out[key] = value;
  }
  return Object.keys(out).length ? out : null;
}

// The line's style changed by `patch` (null: the whole override cleared, the track's style
// again). Answers {doc}, {error, field}, or {unchanged: true} (nothing to undo).
export function setLineStyle(doc, trackId, lineId, patch) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  const line = track.clips.find((c) => c.id === lineId);
  if (!line) return { error: 'That line is gone.', field: 'line' };
  for (const [key, value] of Object.entries(patch || {})) {
    const bad = badStyleValue(key, value);
    if (bad) return { error: bad, field: `style.${key}` };
  }
  const style = patch === null ? null : overrideStyle(line.style, patch);
  if (JSON.stringify(style) === JSON.stringify(line.style ?? null)) return { unchanged: true };
  const { style: _, ...rest } = line;
  const changed = style ? { ...rest, style } : rest;
  return { doc: withLines(doc, trackId, track.clips.map((c) => (c.id === lineId ? changed : c))) };
}

// The track's style changed by `patch`, key by key (a key set to null: its default again).
// Answers {doc}, {error, field} or {unchanged: true}.
export function setTrackStyle(doc, trackId, patch) {
  const { track, error, field } = trackOf(doc, trackId);
  if (error) return { error, field };
  for (const [key, value] of Object.entries(patch || {})) {
    const bad = badStyleValue(key, value);
    if (bad) return { error: bad, field: `style.${key}` };
  }
  const style = overrideStyle(track.style, patch) || {};
  if (JSON.stringify(style) === JSON.stringify(track.style ?? {})) return { unchanged: true };
  return { doc: { ...doc, tracks: doc.tracks.map((t) => (t.id === trackId ? { ...t, style } : t)) } };
}
