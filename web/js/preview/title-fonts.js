// The fonts titles are drawn with: for each (family, bold, italic), the very file the export's
// drawtext uses (fonts.py font_file, served at fontFileUrl), loaded once as a FontFace under a
// name of its own, with its hhea metrics for drawtext's line height. Until a file has loaded (or
// where it cannot) a near match stands in, and `onLoad` asks for a repaint when it is ready.
import { urls } from '../app/api.js';
import { fontGlyphBoxes, fontMetrics } from './title-layout.js';

export function createTitleFonts(onLoad) {
  const faces = new Map(); // key -> {name, metrics, ready}
  let n = 0;

  function load(family, bold, italic) {
    const key = `${family}|${bold ? 1 : 0}|${italic ? 1 : 0}`;
    let face = faces.get(key);
    if (face) return face;
    face = { name: `Reelcut Title ${++n}`, metrics: null, boxes: null, ready: false };
    faces.set(key, face);
    fetch(urls.fontFileUrl(family, bold, italic))
      .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(String(r.status)))))
      .then((bytes) => {
        face.metrics = fontMetrics(bytes);
        face.boxes = face.metrics ? fontGlyphBoxes(bytes) : null;
        // registered as the regular weight and upright: the file is already the bold or italic
        // one, and the browser must not embolden or slant it again
        const ff = new FontFace(face.name, bytes);
        return ff.load().then(() => {
          document.fonts.add(ff);
          face.ready = true;
          onLoad();
        });
      })
      .catch(() => {}); // the stand-in stays: the title is still drawn, in a near match
    return face;
  }

  // The canvas font for a title of this style at `px` pixels.
  function font(style, px) {
    const face = load(style.font, style.bold, style.italic);
    if (face.ready) return `${px}px "${face.name}"`;
    return `${style.italic ? 'italic ' : ''}${style.bold ? 'bold ' : ''}${px}px "${style.font}", "DejaVu Sans", sans-serif`;
  }

  // The loaded file's hhea metrics (for drawtext's line height) and glyph boxes (for its ink);
  // null until it has loaded, when the stand-in's own measures are used.
  function metrics(style) {
    const face = load(style.font, style.bold, style.italic);
    return face.ready ? face.metrics : null;
  }
  function boxes(style) {
    const face = load(style.font, style.bold, style.italic);
    return face.ready ? face.boxes : null;
  }

  return { font, metrics, boxes };
}
