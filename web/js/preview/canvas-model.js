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

// The document with a new canvas (every clip kept; positions are fractions of the canvas).
export function withCanvas(doc, { width, height, fps }) {
  return { ...structuredClone(doc), width: width ?? doc.width, height: height ?? doc.height, fps: fps ?? doc.fps };
}
