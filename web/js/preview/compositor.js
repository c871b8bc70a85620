// Draws the layers compose-model.js lists onto the preview's canvas, in the document's aspect
// ratio, letterboxed in the panel. Each layer is its element's current frame, cropped and
// fitted into its box, turned about its centre, faded by its alpha, pulled towards a dip's
// colour and clipped by a wipe, as the export's layers.py draws it; titles go over everything.
// Nothing is ever read back from the canvas: it is only drawn into.
import { CARD, fitRect } from './compose-model.js';
import { createTitleFonts } from './title-fonts.js';
import { hintedInk, lineHeightOf, titleLayout, titleStyle } from './title-layout.js';

const OFFLINE_FILL = '#5a0f0f'; // an offline clip's card: dark red, framed brighter
const OFFLINE_FRAME = '#e5484d';

// `onFont` runs when a title's font file has loaded (to draw again with it).
export function createCompositor(canvas, { onFont = () => {} } = {}) {
  const ctx = canvas.getContext('2d', { alpha: false });
  let size = { width: 0, height: 0, scale: 1 }; // the canvas in pixels, and pixels per document pixel
  let docSize = { width: 1, height: 1 };
  let drawnTitles = []; // [{item, layout}] of the last frame, in document pixels, for hit-testing
  const fonts = createTitleFonts(onFont);

  // Size the canvas to the largest rectangle of the document's aspect inside the panel
  // (w x h CSS pixels), at the screen's pixel density but never beyond the document's size.
  function fitTo(doc, w, h) {
    if (!doc || w <= 0 || h <= 0) return false;
    docSize = { width: doc.width, height: doc.height };
    const aspect = doc.width / doc.height;
    const cssW = Math.max(1, Math.floor(Math.min(w, h * aspect)));
    const cssH = Math.max(1, Math.floor(cssW / aspect));
    const density = Math.min(window.devicePixelRatio || 1, doc.width / cssW);
    const width = Math.max(1, Math.round(cssW * density));
    const height = Math.max(1, Math.round(cssH * density));
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    if (width === canvas.width && height === canvas.height) return false;
    canvas.width = width;
    canvas.height = height;
    size = { width, height, scale: width / doc.width };
    return true;
  }

  function drawLayer(layer, source) {
    const { width: cw, height: ch } = size;
    const { look, clip } = layer;
    const w = layer.still ? source.naturalWidth : source.videoWidth;
    const h = layer.still ? source.naturalHeight : source.videoHeight;
    if (!w || !h) return;
    const r = fitRect(w, h, clip.crop, clip.fit ?? 'contain', cw * look.scale, ch * look.scale);
    ctx.save();
    if (look.wipe) {
      const edge = look.wipe.edge * cw;
      ctx.beginPath();
      if (look.wipe.side === 'left') ctx.rect(edge, 0, cw - edge, ch); else ctx.rect(0, 0, edge, ch);
      ctx.clip();
    }
    ctx.translate(look.x * cw + look.dx * cw, look.y * ch);
    if (look.rotation) ctx.rotate((look.rotation * Math.PI) / 180);
    ctx.globalAlpha = Math.min(1, Math.max(0, look.alpha));
    ctx.drawImage(source, r.sx, r.sy, r.sw, r.sh, -r.dw / 2, -r.dh / 2, r.dw, r.dh);
    if (look.dip > 0) {
      ctx.globalAlpha *= Math.min(1, look.dip);
      ctx.fillStyle = look.dipColor;
      ctx.fillRect(-r.dw / 2, -r.dh / 2, r.dw, r.dh);
    }
    ctx.restore();
  }

  // A placeholder's card: the whole frame in a neutral colour, its words in the middle and, while
  // its job runs, a bar of its progress under them.
  function drawCard(card) {
    const { width: cw, height: ch } = size;
    ctx.save();
    ctx.globalAlpha = 1;
    ctx.fillStyle = CARD.fill;
    ctx.fillRect(0, 0, cw, ch);
    const px = Math.max(10, Math.round(ch / 16));
    ctx.font = `${px}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = CARD.ink;
    let text = card.text;
    while (text.length > 4 && ctx.measureText(text).width > cw * 0.9) text = `${text.slice(0, -2)}…`;
    ctx.fillText(text, cw / 2, ch / 2);
    if (card.progress !== null) {
      const w = cw * 0.4;
      ctx.fillStyle = CARD.ink;
      ctx.globalAlpha = 0.25;
      ctx.fillRect((cw - w) / 2, ch / 2 + px, w, Math.max(2, px / 4));
      ctx.globalAlpha = 1;
      ctx.fillStyle = CARD.bar;
      ctx.fillRect((cw - w) / 2, ch / 2 + px, w * Math.min(1, Math.max(0, card.progress)), Math.max(2, px / 4));
    }
    ctx.restore();
  }

  // The layout of a title in document pixels (title-layout.js), measured with its font.
  function layoutOf(item) {
    const style = titleStyle(item);
    ctx.font = fonts.font(style, item.size);
    const hhea = fonts.metrics(style);
    let lineHeight;
    if (hhea) lineHeight = lineHeightOf(hhea, item.size);
    else {
      const m = ctx.measureText('');
      lineHeight = Math.round(m.fontBoundingBoxAscent + m.fontBoundingBoxDescent);
    }
    const boxes = fonts.boxes(style);
    const measure = (line) => {
      const m = ctx.measureText(line);
      const ink = hhea && boxes ? hintedInk(line, item.size, hhea.unitsPerEm, boxes) : null;
      if (ink) return { advance: m.width, ...ink };
      return line.trim() ? { advance: m.width, ascent: m.actualBoundingBoxAscent, descent: m.actualBoundingBoxDescent }
        : { advance: m.width, ascent: 0, descent: 0 };
    };
    return titleLayout(item, docSize, measure, lineHeight);
  }

  // drawtext's order: the box; the shadow at its offset (drawtext draws it with the border glyphs
  // when there is an outline: the stroke's ring, not the filled glyph); the outline (the glyph's
  // contour stroked 2 x width wide with round joins, as FreeType's stroker); the fill over it.
  // The title's alpha multiplies each part's own, one part at a time, as drawtext's `alpha`.
  function drawTitle(item) {
    const layout = layoutOf(item);
    const { style } = layout;
    const alpha = item.alpha ?? 1;
    ctx.save();
    ctx.setTransform(size.width / docSize.width, 0, 0, size.height / docSize.height, 0, 0);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    ctx.lineJoin = 'round';
    const each = (fn) => { for (const line of layout.lines) if (line.text) fn(line); };
    if (layout.box) {
      ctx.globalAlpha = style.box.opacity * alpha;
      ctx.fillStyle = style.box.color;
      ctx.fillRect(layout.box.x, layout.box.y, layout.box.w, layout.box.h);
    }
    if (style.shadow) {
      const { x: sx, y: sy } = style.shadow;
      ctx.globalAlpha = style.shadow.opacity * alpha;
      if (style.outline) {
        ctx.strokeStyle = style.shadow.color;
        ctx.lineWidth = 2 * style.outline.width;
        each((l) => ctx.strokeText(l.text, l.x + sx, l.baseline + sy));
      } else {
        ctx.fillStyle = style.shadow.color;
        each((l) => ctx.fillText(l.text, l.x + sx, l.baseline + sy));
      }
    }
    ctx.globalAlpha = alpha;
    if (style.outline) {
      ctx.strokeStyle = style.outline.color;
      ctx.lineWidth = 2 * style.outline.width;
      each((l) => ctx.strokeText(l.text, l.x, l.baseline));
    }
    ctx.fillStyle = item.color;
    each((l) => ctx.fillText(l.text, l.x, l.baseline));
    ctx.restore();
    return layout;
  }

  // An offline clip's card: the whole canvas dark red, framed, with "Media offline" and its name,
  // so a paused preview never passes a missing file off as black
  function drawOffline(name) {
    const { width, height } = size;
    ctx.save();
    ctx.globalAlpha = 1;
    ctx.fillStyle = OFFLINE_FILL;
    ctx.fillRect(0, 0, width, height);
    const border = Math.max(2, Math.round(Math.min(width, height) / 60));
    ctx.strokeStyle = OFFLINE_FRAME;
    ctx.lineWidth = border;
    ctx.strokeRect(border / 2, border / 2, width - border, height - border);
    ctx.fillStyle = '#ffffff';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const px = Math.max(10, Math.round(height / 14));
    ctx.font = `bold ${px}px sans-serif`;
    ctx.fillText('Media offline', width / 2, height / 2 - px * 0.7, width * 0.9);
    ctx.font = `${Math.round(px * 0.6)}px sans-serif`;
    ctx.fillText(name, width / 2, height / 2 + px * 0.6, width * 0.9);
    ctx.restore();
  }

  return {
    fitTo,
    // Draw one frame: black, the layers bottom first (a placeholder's card among them, from
    // compose-model.js's stackAt), then the titles. `sourceOf(layer)` is the layer's element; a
    // missing one is skipped, so the caller decides when to hold a frame.
    draw(layers, titles, sourceOf) {
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#000000';
      ctx.fillRect(0, 0, size.width, size.height);
      for (const layer of layers) {
        if (layer.card) { drawCard(layer.card); continue; }
        if (layer.offline !== undefined) { drawOffline(layer.offline); continue; }
        const source = sourceOf(layer);
        if (source) drawLayer(layer, source);
      }
      drawnTitles = titles.map((item) => ({ item, layout: drawTitle(item) }));
    },
    // the titles of the frame last drawn, each with its layout in document pixels
    titles: () => drawnTitles,
    clear() {
      ctx.fillStyle = '#000000';
      ctx.fillRect(0, 0, size.width, size.height);
    },
  };
}
