// Draws the layers compose-model.js lists onto the preview's canvas, in the document's aspect
// ratio, letterboxed in the panel. Each layer is its element's current frame, cropped and
// fitted into its box, turned about its centre, faded by its alpha, pulled towards a dip's
// colour and clipped by a wipe, as the export's layers.py draws it; titles go over everything.
// Nothing is ever read back from the canvas: it is only drawn into.
import { fitRect } from './compose-model.js';

// Titles are drawn with the very font file the export's drawtext uses (fonts.py), served by
// the app; until it has loaded (or where the machine has none) a bold sans stands in.
const TITLE_FAMILY = 'Reelcut Title';
const TITLE_FONT = `"${TITLE_FAMILY}", "DejaVu Sans", "Arial", sans-serif`;

// Load the export's title font once; `onLoad` runs when it is ready (to draw again with it).
export function loadTitleFont(url, onLoad) {
  // registered as bold, the weight titles ask for, so the browser does not embolden it again
  const face = new FontFace(TITLE_FAMILY, `url(${url})`, { weight: '700' });
  return face.load().then(() => {
    document.fonts.add(face);
    onLoad();
  }, () => {}); // the stand-in font stays: a title is still drawn, in a near match
}

export function createCompositor(canvas) {
  const ctx = canvas.getContext('2d', { alpha: false });
  let size = { width: 0, height: 0, scale: 1 }; // the canvas in pixels, and pixels per document pixel

  // Size the canvas to the largest rectangle of the document's aspect inside the panel
  // (w x h CSS pixels), at the screen's pixel density but never beyond the document's size.
  function fitTo(doc, w, h) {
    if (!doc || w <= 0 || h <= 0) return false;
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

  function drawTitle(title) {
    const { width: cw, height: ch, scale } = size;
    ctx.save();
    ctx.font = `bold ${Math.max(1, title.size * scale)}px ${TITLE_FONT}`;
    ctx.fillStyle = title.color;
    // drawtext centres the ink of the text on (x, y), not its em box: measure the ink and place it
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    const m = ctx.measureText(title.text);
    const left = title.x * cw - (m.actualBoundingBoxRight - m.actualBoundingBoxLeft) / 2;
    const baseline = title.y * ch + (m.actualBoundingBoxAscent - m.actualBoundingBoxDescent) / 2;
    ctx.fillText(title.text, left, baseline);
    ctx.restore();
  }

  return {
    fitTo,
    // Draw one frame: black, the layers bottom first, then the titles. `sourceOf(layer)` is the
    // layer's element; a missing one is skipped, so the caller decides when to hold a frame.
    draw(layers, titles, sourceOf) {
      ctx.globalAlpha = 1;
      ctx.fillStyle = '#000000';
      ctx.fillRect(0, 0, size.width, size.height);
      for (const layer of layers) {
        const source = sourceOf(layer);
        if (source) drawLayer(layer, source);
      }
      for (const title of titles) drawTitle(title);
    },
    clear() {
      ctx.fillStyle = '#000000';
      ctx.fillRect(0, 0, size.width, size.height);
    },
  };
}
