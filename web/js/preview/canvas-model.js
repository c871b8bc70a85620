// The canvas format's rules, as pure functions (no DOM; tested with node): the presets a short
// or a film starts from, the frame rates, and a custom size (even sides, within the document's
// limits, which come from the server).
export const CANVAS_PRESETS = Object.freeze([
  { label: '16:9 · 1920 × 1080', width: 1920, height: 1080 },
  { label: '16:9 · 1280 × 720', width: 1280, height: 720 },
  { label: '9:16 · 1080 × 1920', width: 1080, height: 1920 },
  { label: '1:1 · 1080 × 1080', width: 1080, height: 1080 },
  { label: '4:5 · 1080 × 1350', width: 1080, height: 1350 },
]);
export const FRAME_RATES = Object.freeze([24, 25, 30, 50, 60]);

// The preset a canvas matches, or null (a custom size).
export function canvasPreset(doc) {
  return CANVAS_PRESETS.find((p) => p.width === doc.width && p.height === doc.height) ?? null;
}

// A custom size typed as width and height: {width, height} or {error}.
export function parseCanvas(widthText, heightText, limits) {
  const out = {};
  for (const [name, text] of [['width', widthText], ['height', heightText]]) {
    const { low, high } = limits[name];
    const n = Number(String(text).trim());
    if (!Number.isInteger(n) || n < low || n > high || n % 2) {
      return { error: `The ${name} must be an even whole number of pixels from ${low} to ${high}.` };
    }
    out[name] = n;
  }
  return out;
}

// The document with a new canvas (every clip kept; positions are fractions of the canvas). The
// user chose it, so a clip landing later does not change it (`format_set`).
export function withCanvas(doc, { width, height, fps }) {
  return {
    ...structuredClone(doc), width: width ?? doc.width, height: height ?? doc.height, fps: fps ?? doc.fps, format_set: true,
  };
}

const SIDE = { low: 16, high: 7680 };
const even = (n) => Math.min(SIDE.high, Math.max(SIDE.low, 2 * Math.round(n / 2)));

function videoMedia(doc, mediaById) {
  for (const track of doc.tracks) {
    if (track.kind !== 'video') continue;
    for (const clip of track.clips) {
      const m = clip.media_id !== undefined ? mediaById.get(clip.media_id) : null;
      if (m && m.kind === 'video' && m.width && m.height) return m;
    }
  }
  return null;
}

// "New sequence from clip", as Premiere has it: the first video to land on a timeline whose format
// nobody chose gives the timeline its size and frame rate, so a project made of one model's clips
// matches its media (and exports by copying). The format {width, height, fps}, or null when
// nothing is to change.
export function adoptedFormat(before, after, media) {
  if (!after || after.format_set) return null;
  const byId = new Map(media.map((m) => [m.id, m]));
  if (before && videoMedia(before, byId)) return null;
  const m = videoMedia(after, byId);
  if (!m) return null;
  const format = {
    width: even(m.width),
    height: even(m.height),
    fps: m.fps > 0 ? Math.min(120, Math.max(1, Math.round(m.fps * 1000) / 1000)) : after.fps,
  };
  const same = format.width === after.width && format.height === after.height && format.fps === after.fps;
  return same ? null : format;
}
