// The inspector's rules, as pure functions (no DOM; tested with node): which property each field
// edits, the unit a person reads it in (percent, pixels, degrees, seconds) against the unit the
// document stores, what is refused and why, and the keyframes at the playhead. The ranges are
// the server's own (GET /api/timeline/limits), so a value refused here is one it would refuse.
import { DEFAULTS, EASINGS, FITS, clipLength, propertyAt } from '../timeline/values.js';

const EPS = 1e-6;

// One field per property. `scale`: display = stored x scale; `by`: display = stored x the canvas's
// width or height (a centre in fractions of the canvas is shown in canvas pixels); `digits`: the
// decimals shown; `step`: what an arrow key adds (Shift: ten times).
export const MEDIA_FIELDS = Object.freeze([
  { key: 'speed', label: 'Speed', unit: '%', limit: 'speed', scale: 100, digits: 0, step: 5 },
  { key: 'volume', label: 'Volume', unit: '%', limit: 'volume', scale: 100, digits: 0, step: 1, animatable: true },
  { key: 'opacity', label: 'Opacity', unit: '%', limit: 'opacity', scale: 100, digits: 0, step: 1, animatable: true },
  { key: 'transform.x', label: 'Position X', unit: 'px', limit: 'transform.x', by: 'width', digits: 0, step: 1, animatable: true },
  { key: 'transform.y', label: 'Position Y', unit: 'px', limit: 'transform.y', by: 'height', digits: 0, step: 1, animatable: true },
  { key: 'transform.scale', label: 'Scale', unit: '%', limit: 'transform.scale', scale: 100, digits: 1, step: 1, animatable: true },
  { key: 'transform.rotation', label: 'Rotation', unit: '°', limit: 'transform.rotation', scale: 1, digits: 1, step: 1, animatable: true },
  { key: 'crop.left', label: 'Crop left', unit: '%', limit: 'crop', scale: 100, digits: 1, step: 1 },
  { key: 'crop.top', label: 'Crop top', unit: '%', limit: 'crop', scale: 100, digits: 1, step: 1 },
  { key: 'crop.right', label: 'Crop right', unit: '%', limit: 'crop', scale: 100, digits: 1, step: 1 },
  { key: 'crop.bottom', label: 'Crop bottom', unit: '%', limit: 'crop', scale: 100, digits: 1, step: 1 },
  { key: 'fade_in', label: 'Fade in', unit: 's', limit: 'fade', scale: 1, digits: 2, step: 0.1 },
  { key: 'fade_out', label: 'Fade out', unit: 's', limit: 'fade', scale: 1, digits: 2, step: 0.1 },
]);

// A title's fields: its font size in canvas pixels, its centre as canvas pixels; its opacity,
// centre and scale (a multiplier of the size) take keyframes.
export const TEXT_FIELDS = Object.freeze([
  { key: 'size', label: 'Font size', unit: 'px', limit: 'size', scale: 1, digits: 0, step: 1 },
  { key: 'x', label: 'Position X', unit: 'px', limit: 'x', by: 'width', digits: 0, step: 1, animatable: true },
  { key: 'y', label: 'Position Y', unit: 'px', limit: 'y', by: 'height', digits: 0, step: 1, animatable: true },
  { key: 'scale', label: 'Scale', unit: '%', limit: 'scale', scale: 100, digits: 0, step: 1, animatable: true },
  { key: 'opacity', label: 'Opacity', unit: '%', limit: 'opacity', scale: 100, digits: 0, step: 1, animatable: true },
  { key: 'fade_in', label: 'Fade in', unit: 's', limit: 'fade', scale: 1, digits: 2, step: 0.1 },
  { key: 'fade_out', label: 'Fade out', unit: 's', limit: 'fade', scale: 1, digits: 2, step: 0.1 },
  { key: 'line_spacing', label: 'Line spacing', unit: 'px', limit: 'line_spacing', scale: 1, digits: 0, step: 1 },
  { key: 'outline.width', label: 'Outline width', unit: 'px', limit: 'outline.width', scale: 1, digits: 0, step: 1 },
  { key: 'shadow.x', label: 'Shadow X', unit: 'px', limit: 'shadow.x', scale: 1, digits: 0, step: 1 },
  { key: 'shadow.y', label: 'Shadow Y', unit: 'px', limit: 'shadow.y', scale: 1, digits: 0, step: 1 },
  { key: 'shadow.opacity', label: 'Shadow opacity', unit: '%', limit: 'shadow.opacity', scale: 100, digits: 0, step: 1 },
  { key: 'box.opacity', label: 'Box opacity', unit: '%', limit: 'box.opacity', scale: 100, digits: 0, step: 1 },
  { key: 'box.padding', label: 'Box padding', unit: 'px', limit: 'box.padding', scale: 1, digits: 0, step: 1 },
]);

// A title's outline, shadow and box are whole objects in the document (every key required): the
// first change to one of their keys starts from these, which draw nothing (width or opacity 0).
export const STYLE_OBJECTS = Object.freeze({
  outline: Object.freeze({ color: '#000000', width: 0 }),
  shadow: Object.freeze({ color: '#000000', x: 4, y: 4, opacity: 0 }),
  box: Object.freeze({ color: '#000000', opacity: 0, padding: 12 }),
});
// The title's other style keys as they draw when absent (the export's defaults).
export const TITLE_STYLE_DEFAULTS = Object.freeze({ font: 'DejaVu Sans', bold: true, italic: false, align: 'left', color: '#ffffff' });
export const ALIGN_LABELS = Object.freeze({ left: 'Left', center: 'Centre', right: 'Right' });

// How the three fits read in the inspector.
export const FIT_LABELS = Object.freeze({ contain: 'Fit (show all)', cover: 'Fill (crop to fill)', stretch: 'Stretch' });
export const EASING_LABELS = Object.freeze({ linear: 'Linear', 'ease-in': 'Ease in', 'ease-out': 'Ease out',
  'ease-in-out': 'Ease in and out', hold: 'Hold' });
export { EASINGS, FITS };

const FIELD_DEFAULTS = { speed: 1, fade_in: 0, fade_out: 0, 'crop.left': 0, 'crop.top': 0, 'crop.right': 0,
  'crop.bottom': 0, size: null, x: 0.5, y: 0.85, line_spacing: 0 };
for (const [head, object] of Object.entries(STYLE_OBJECTS)) {
  for (const [tail, value] of Object.entries(object)) FIELD_DEFAULTS[`${head}.${tail}`] = value;
}
Object.assign(FIELD_DEFAULTS, TITLE_STYLE_DEFAULTS);

export function isTextClip(clip) {
  return clip.media_id === undefined && clip.offline === undefined;
}

// What an offline clip can be relinked to: the library's items of a kind its track shows (a
// video track: video and stills; an audio track: sound, or a video's), each long enough for the
// clip's out point (a shorter one is listed, disabled, saying so). [{id, label, disabled}]
export function relinkChoices(clip, trackKind, media) {
  const kinds = trackKind === 'audio' ? ['audio', 'video'] : ['video', 'image'];
  return (media || [])
    .filter((m) => kinds.includes(m.kind) && !m.missing && !m.deleted_at && (trackKind !== 'audio' || m.kind === 'audio' || m.audio_codec))
    .map((m) => {
      const short = m.kind !== 'image' && Number.isFinite(m.duration) && m.duration + 1e-6 < clip.out;
      return { id: m.id, label: short ? `${m.name} (too short: ${m.duration.toFixed(2)} s)` : m.name, disabled: short };
    });
}

// The clip's own (static) value of a field, with the document's default.
export function storedValue(clip, key) {
  const [head, tail] = key.split('.');
  if (tail !== undefined) {
    const value = (clip[head] ?? {})[tail];
    return value ?? (DEFAULTS[key] ?? FIELD_DEFAULTS[key]);
  }
  return clip[key] ?? (DEFAULTS[key] ?? FIELD_DEFAULTS[key]);
}

export function keyframesOf(clip, key) {
  return (clip.keyframes ?? {})[key] ?? [];
}

// The value the field shows: for a keyframed property, its value at the playhead (t seconds from
// the clip's start); else the clip's own. A text clip's size defaults to a twelfth of the height.
export function valueAt(clip, key, t, doc) {
  if (keyframesOf(clip, key).length) return propertyAt(clip, key, Math.max(0, Math.min(t, clipLength(clip))));
  if (key === 'size' && clip.size == null) return Math.trunc(doc.height / 12);
  return storedValue(clip, key);
}

function factor(field, doc) {
  if (field.by) return doc[field.by];
  return field.scale;
}

export function toDisplay(field, value, doc) {
  return value * factor(field, doc);
}

export function fromDisplay(field, shown, doc) {
  return shown / factor(field, doc);
}

// A number as the field shows it: rounded to its digits, with no trailing zeros.
export function formatShown(field, shown) {
  return String(Number(shown.toFixed(field.digits)));
}

// The one value all the clips share, for display; null when they differ ("Mixed").
export function sharedDisplay(field, clips, t0s, doc) {
  const shown = clips.map((c, i) => Number(toDisplay(field, valueAt(c, field.key, t0s[i], doc), doc).toFixed(field.digits)));
  return shown.every((v) => Math.abs(v - shown[0]) < 1e-9) ? shown[0] : null;
}

// The range a person may type, in the field's units.
export function displayRange(field, limits, doc) {
  const limit = limits[field.limit];
  const f = factor(field, doc);
  return { low: Number((limit.low * f).toFixed(field.digits)), high: Number((limit.high * f).toFixed(field.digits)) };
}

function rangeText(field, limits, doc) {
  const { low, high } = displayRange(field, limits, doc);
  return `${low} to ${high} ${field.unit}`;
}

// Typed text to a stored value, or the reason it is refused (shown beside the field).
export function parseField(field, text, limits, doc) {
  const cleaned = String(text).trim().replace(new RegExp(`\\s*${field.unit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), '');
  const shown = cleaned === '' ? NaN : Number(cleaned);
  if (!Number.isFinite(shown)) return { error: `${field.label}: enter a number, ${rangeText(field, limits, doc)}.` };
  const { low, high } = displayRange(field, limits, doc);
  if (shown < low - EPS || shown > high + EPS) return { error: `${field.label} must be ${rangeText(field, limits, doc)}.` };
  let value = fromDisplay(field, shown, doc);
  if (limits[field.limit].whole) value = Math.round(value);
  return { value };
}

// An arrow key's step from the shown value, kept in range.
export function stepped(field, shown, direction, big, limits, doc) {
  const { low, high } = displayRange(field, limits, doc);
  const next = shown + direction * field.step * (big ? 10 : 1);
  return Math.min(high, Math.max(low, Number(next.toFixed(field.digits))));
}

function setStored(clip, key, value) {
  const [head, tail] = key.split('.');
  if (tail === undefined) clip[key] = value;
  else clip[head] = { ...(STYLE_OBJECTS[head] ?? {}), ...(clip[head] ?? {}), [tail]: value };
}

function findPlaced(doc, clipId) {
  for (const track of doc.tracks) {
    const clip = track.clips.find((c) => c.id === clipId);
    if (clip) return { track, clip };
  }
  return null;
}

// Whether a clip still fits where it is, after a change of its length: not into the next clip
// on its track, and its fades within it. Returns the reason when it does not.
function fitsAfter(track, clip, label) {
  const length = clipLength(clip);
  const end = clip.start + length;
  const next = track.clips.filter((c) => c.id !== clip.id && c.start >= clip.start - EPS)
    .reduce((min, c) => Math.min(min, c.start + (c.transition_in ? c.transition_in.duration : 0)), Infinity);
  if (end > next + EPS) {
    return `${label}: at this speed the clip lasts ${length.toFixed(2)} s and would run into the next clip`
      + ` (${(next - clip.start).toFixed(2)} s of room).`;
  }
  if ((clip.fade_in ?? 0) + (clip.fade_out ?? 0) > length + EPS) {
    return `${label}: the fades (${((clip.fade_in ?? 0) + (clip.fade_out ?? 0)).toFixed(2)} s together) must fit in`
      + ` the clip (${length.toFixed(2)} s).`;
  }
  for (const keys of Object.values(clip.keyframes ?? {})) {
    if (keys.length && keys[keys.length - 1].time > length + EPS) {
      return `${label}: the clip would end (${length.toFixed(2)} s) before its last keyframe`
        + ` (${keys[keys.length - 1].time.toFixed(2)} s).`;
    }
  }
  return null;
}

// Set a field on every given clip (the playhead at `playhead` on the timeline): a keyframed
// property gets a keyframe at the playhead instead. Returns {doc} or {error} (nothing changed).
export function applyField(doc, clipIds, field, value, playhead) {
  const next = structuredClone(doc);
  for (const id of clipIds) {
    const found = findPlaced(next, id);
    if (!found) continue;
    const { track, clip } = found;
    if (keyframesOf(clip, field.key).length) {
      const t = playhead - clip.start;
      if (t < -EPS || t > clipLength(clip) + EPS) {
        return { error: `${field.label} is keyframed: move the playhead over the clip to change it.` };
      }
      clip.keyframes[field.key] = withKeyframe(keyframesOf(clip, field.key), Math.max(0, t), value, next.fps);
    } else {
      setStored(clip, field.key, value);
    }
    if (field.key.startsWith('crop.')) {
      const c = clip.crop;
      if ((c.left ?? 0) + (c.right ?? 0) > 0.99 + EPS || (c.top ?? 0) + (c.bottom ?? 0) > 0.99 + EPS) {
        return { error: `${field.label}: opposite crops must leave at least 1 % of the picture.` };
      }
    }
    const why = fitsAfter(track, clip, field.label);
    if (why) return { error: why };
  }
  return { doc: next };
}

// A fit, or a title's text, colour, font, bold, italic, align or a colour of its outline, shadow
// or box ('outline.color'): a plain value set on every given clip.
export function applyValue(doc, clipIds, key, value) {
  const next = structuredClone(doc);
  for (const id of clipIds) {
    const found = findPlaced(next, id);
    if (found) setStored(found.clip, key, value);
  }
  return next;
}

// A title dragged on the preview to (x, y) at the playhead, in fractions of the canvas. A keyframed
// x or y moves its whole path by the drag (every keyframe shifted alike, within the canvas), so
// the title passes through the point where it was dropped at that time.
export function placeTitle(doc, clipId, x, y, playhead = 0) {
  const next = structuredClone(doc);
  const found = findPlaced(next, clipId);
  if (!found) return next;
  const { clip } = found;
  const t = Math.max(0, Math.min(playhead - clip.start, clipLength(clip)));
  for (const [key, value] of [['x', x], ['y', y]]) {
    const keys = keyframesOf(clip, key);
    if (!keys.length) { clip[key] = value; continue; }
    const shift = value - propertyAt(clip, key, t);
    clip.keyframes[key] = keys.map((k) => ({ ...k, value: Math.min(1, Math.max(0, k.value + shift)) }));
  }
  return next;
}

// -- keyframes --------------------------------------------------------------------------------
// A keyframe within half a frame of t is the one "at" t.
function near(a, b, fps) {
  return Math.abs(a - b) < 0.5 / fps;
}

export function keyframeAt(keys, t, fps) {
  return keys.find((k) => near(k.time, t, fps)) ?? null;
}

// The list with a keyframe of `value` at t: the one there updated, or a new one in time order
// (a new keyframe takes the easing of the one before it).
export function withKeyframe(keys, t, value, fps = 30) {
  const time = Number(t.toFixed(4));
  const at = keys.findIndex((k) => near(k.time, time, fps));
  if (at >= 0) return keys.map((k, i) => (i === at ? { ...k, value } : k));
  const before = [...keys].reverse().find((k) => k.time < time);
  return [...keys, { time, value, easing: before?.easing ?? 'linear' }].sort((a, b) => a.time - b.time);
}

// The diamond: add (or update) a keyframe of the property's value at the playhead. The first
// keyframe of a property also keeps the clip's static value at the clip's start, so the change
// animates from what was there. Returns {doc} or {error}.
export function addKeyframe(doc, clipId, key, playhead) {
  const next = structuredClone(doc);
  const found = findPlaced(next, clipId);
  if (!found) return { error: 'The clip is gone.' };
  const { clip } = found;
  const t = playhead - clip.start;
  if (t < -EPS || t > clipLength(clip) + EPS) return { error: 'Move the playhead over the clip to add a keyframe.' };
  const value = valueAt(clip, key, t, doc);
  let keys = keyframesOf(clip, key);
  keys = withKeyframe(keys, Math.max(0, t), value, doc.fps);
  clip.keyframes = { ...(clip.keyframes ?? {}), [key]: keys };
  return { doc: next };
}

export function removeKeyframe(doc, clipId, key, playhead) {
  const next = structuredClone(doc);
  const { clip } = findPlaced(next, clipId) ?? {};
  if (!clip) return next;
  const t = playhead - clip.start;
  const keys = keyframesOf(clip, key).filter((k) => !near(k.time, t, doc.fps));
  const all = { ...(clip.keyframes ?? {}) };
  if (keys.length) all[key] = keys;
  else {
    // the last keyframe gone: the property keeps the value it had there
    delete all[key];
    setStored(clip, key, valueAt(findPlaced(doc, clipId).clip, key, t, doc));
  }
  if (Object.keys(all).length) clip.keyframes = all; else delete clip.keyframes;
  return next;
}

export function setEasing(doc, clipId, key, playhead, easing) {
  const next = structuredClone(doc);
  const { clip } = findPlaced(next, clipId) ?? {};
  if (!clip) return next;
  const t = playhead - clip.start;
  clip.keyframes[key] = keyframesOf(clip, key).map((k) => (near(k.time, t, doc.fps) ? { ...k, easing } : k));
  return next;
}

// Where the previous or next keyframe of a property is, on the timeline; null when there is none.
export function adjacentKeyframe(clip, key, playhead, direction, fps) {
  const t = playhead - clip.start;
  const times = keyframesOf(clip, key).map((k) => k.time).filter((time) => !near(time, t, fps));
  const pick = direction < 0 ? times.filter((time) => time < t).pop() : times.find((time) => time > t);
  return pick === undefined ? null : clip.start + pick;
}

// Why "Caption this clip" cannot run for the selected clips, or null: one media clip whose media
// has sound, and a fal.ai key (transcription runs on fal.ai; there is no offline one). `keySet`
// null: not known yet (the settings have not arrived), taken as set; the server refuses anyway.
export function captionBlocker(clips, media, keySet) {
  if (clips.length !== 1 || isTextClip(clips[0])) return 'Select one clip with sound to caption it.';
  const item = (media || []).find((m) => m.id === clips[0].media_id);
  if (!item || !item.audio_codec) return 'This clip has no sound to caption.';
  if (keySet === false) return 'Captioning runs on fal.ai: add a fal.ai key in Settings.';
  return null;
}
