// A title's animation presets: data, applied as ordinary keyframes of its opacity, y and scale
// (the document has no notion of a preset, so the export draws them as any keyframes, and they
// are edited afterwards with the diamonds). Pure: no DOM; tested with node.
//
// A key's `time` is seconds from the clip's start, or `beforeEnd` seconds before its end; its
// value is `value`, or `by` added to the clip's own value of the property (a slide starts a
// tenth of the canvas below where the title sits). `span` is the seconds a preset needs: a
// shorter clip gets the same keys pressed into its length.
import { clipLength } from '../timeline/values.js';

export const TITLE_PRESETS = Object.freeze([
  { name: 'fade', label: 'Fade', span: 1, keys: {
    opacity: [{ time: 0, value: 0 }, { time: 0.5, value: 1 }, { beforeEnd: 0.5, value: 1 }, { beforeEnd: 0, value: 0 }],
  } },
  { name: 'slide_up', label: 'Slide up', span: 0.5, keys: {
    y: [{ time: 0, by: 0.1, easing: 'ease-out' }, { time: 0.5, by: 0 }],
    opacity: [{ time: 0, value: 0, easing: 'ease-out' }, { time: 0.5, value: 1 }],
  } },
  { name: 'pop', label: 'Pop', span: 0.4, keys: {
    scale: [{ time: 0, value: 0.6, easing: 'ease-out' }, { time: 0.2, value: 1.1, easing: 'ease-out' }, { time: 0.4, value: 1 }],
  } },
]);

// The clip's own value of a property a preset moves (the document's defaults when it has none).
const OWN = { opacity: 1, x: 0.5, y: 0.85, scale: 1 };

// The keyframes a preset gives one title: {property: [{time, value, easing}]}, times strictly
// increasing within the clip, values within `limits` (GET /api/timeline/limits).
export function presetKeyframes(name, clip, limits) {
  const preset = TITLE_PRESETS.find((p) => p.name === name);
  if (!preset) throw new Error(`unknown preset ${name}`);
  const length = clipLength(clip);
  const squeeze = Math.min(1, length / preset.span);
  const out = {};
  for (const [property, keys] of Object.entries(preset.keys)) {
    const limit = limits[property];
    const own = clip[property] ?? OWN[property];
    const list = [];
    for (const key of keys) {
      const at = key.beforeEnd === undefined ? key.time * squeeze : length - key.beforeEnd * squeeze;
      const time = Number(Math.min(length, Math.max(0, at)).toFixed(4));
      const raw = key.value ?? own + key.by;
      const value = Math.min(limit.high, Math.max(limit.low, raw));
      const last = list[list.length - 1];
      if (last && time <= last.time) continue; // pressed together in a short clip: the first stays
      list.push({ time, value, easing: key.easing ?? 'linear' });
    }
    out[property] = list;
  }
  return out;
}

// The document with the preset on every given title (a title's keyframes of the properties the
// preset moves are replaced; the others stay): one edit, so one undo step.
export function applyPreset(doc, clipIds, name, limits) {
  const next = structuredClone(doc);
  for (const track of next.tracks) {
    if (track.kind !== 'text') continue;
    for (const clip of track.clips) {
      if (!clipIds.includes(clip.id)) continue;
      clip.keyframes = { ...(clip.keyframes ?? {}), ...presetKeyframes(name, clip, limits) };
    }
  }
  return next;
}
