// Where a title's lines, box and grab area are, as the export's drawtext places them (pure; tested
// with node). The numbers follow FFmpeg's vf_drawtext.c (6.1 and later), so the preview and the
// export agree to the pixel as far as the two rasterisers do:
// - the block is `text_w` wide, the widest line's advance rounded up, and `text_h` high: the ink
//   top of the first line to the ink bottom of the last, plus (line height + line_spacing) for
//   each line after the first, rounded up;
// - the line height is the font's own (FreeType's size metrics: (ascender - descender + line gap)
//   of the hhea table, scaled, rounded to whole pixels), not the ink's;
// - the block's top-left is (w*x - text_w/2, h*y - text_h/2); the first baseline lies the first
//   line's ink ascent below its top; a line is shifted right by (text_w - its width) / 2 (whole
//   pixels, rounded down) when centred, by text_w - its width when right-aligned;
// - the box spans the block (its corner truncated to whole pixels) plus the padding on each side.

export const TITLE_DEFAULTS = Object.freeze({ font: 'DejaVu Sans', bold: true, italic: false, align: 'left', line_spacing: 0 });

// A title item's look with every default filled in; outline, shadow and box are null when they
// draw nothing (as the export leaves their drawtext options out).
export function titleStyle(item) {
  const outline = item.outline && item.outline.width > 0 ? item.outline : null;
  const shadow = item.shadow && item.shadow.opacity > 0 && (item.shadow.x || item.shadow.y) ? item.shadow : null;
  const box = item.box && item.box.opacity > 0 ? item.box : null;
  return {
    font: item.font || TITLE_DEFAULTS.font,
    bold: item.bold ?? TITLE_DEFAULTS.bold,
    italic: item.italic ?? TITLE_DEFAULTS.italic,
    align: ['left', 'center', 'right'].includes(item.align) ? item.align : TITLE_DEFAULTS.align,
    lineSpacing: Math.trunc(item.line_spacing || 0),
    outline,
    shadow,
    box,
  };
}

// drawtext splits on newlines (\r\n counts as one); each piece is a line, an empty one too.
export function titleLines(text) {
  return String(text ?? '').split(/\r\n|\n|\r/);
}

// FreeType's line height at `size` pixels for a font's hhea metrics (font units).
export function lineHeightOf(metrics, size) {
  return Math.round(((metrics.ascender - metrics.descender + metrics.lineGap) * size) / metrics.unitsPerEm);
}

// The layout of a title in canvas pixels. `canvas`: {width, height}; `measure(line)` gives a
// line's {advance, ascent, descent} (its pen advance, its ink above and below the baseline) at
// the title's size; `lineHeight` the font's line height at that size.
export function titleLayout(item, canvas, measure, lineHeight) {
  const style = titleStyle(item);
  const texts = titleLines(item.text);
  const measured = texts.map((t) => measure(t));
  const widths = measured.map((m) => Math.ceil(m.advance - 1e-9));
  const width = Math.max(0, ...widths);
  const step = lineHeight + style.lineSpacing;
  const firstAscent = measured[0].ascent;
  const lastDescent = measured[measured.length - 1].descent;
  const height = Math.ceil(step * (texts.length - 1) + firstAscent + lastDescent - 1e-9);
  const left = canvas.width * item.x - width / 2;
  const top = canvas.height * item.y - height / 2;
  const lines = texts.map((text, i) => {
    let shift = 0;
    if (style.align === 'center') shift = Math.floor((width - widths[i]) / 2);
    else if (style.align === 'right') shift = width - widths[i];
    return { text, x: left + shift, baseline: top + firstAscent + i * step };
  });
  const pad = style.box ? Math.trunc(style.box.padding || 0) : 0;
  const box = style.box
    ? { x: Math.trunc(left) - pad, y: Math.trunc(top) - pad, w: width + 2 * pad, h: height + 2 * pad }
    : null;
  // what a pointer grabs: the box, or the block with its outline around it
  const border = style.outline ? style.outline.width : 0;
  const bounds = box ?? { x: left - border, y: top - border, w: width + 2 * border, h: height + 2 * border };
  return { style, left, top, width, height, lines, box, bounds };
}

// The topmost title (the last drawn) whose grab area holds the point; -1 when none does.
export function hitTitle(layouts, px, py) {
  for (let i = layouts.length - 1; i >= 0; i -= 1) {
    const b = layouts[i].bounds;
    if (px >= b.x && px <= b.x + b.w && py >= b.y && py <= b.y + b.h) return i;
  }
  return -1;
}

// A title's centre moved by (dx, dy) canvas pixels from where a drag began, kept on the canvas
// (the document's 0..1).
export function dragTo(start, dx, dy, canvas) {
  const clamp = (v) => Math.min(1, Math.max(0, v));
  return { x: clamp(start.x + dx / canvas.width), y: clamp(start.y + dy / canvas.height) };
}

// The ink of a line as drawtext measures it: the highest glyph top and the lowest glyph bottom
// (FreeType's control boxes of the hinted outlines, in pixels). The hinter moves outline points
// onto the pixel grid and snaps small overshoots (the round bottom of a c) to the baseline; this
// does the same to the font's own glyph boxes: a coordinate is rounded, and an overshoot of less
// than a pixel past a whole pixel is dropped. `boxes(codepoint)` gives a glyph's {yMin, yMax}
// in font units (fontGlyphBoxes), null for a character the font lacks.
export function hintedInk(line, size, unitsPerEm, boxes) {
  const px = (units) => Math.floor((units * size) / unitsPerEm + 0.4);
  let ascent = 0;
  let descent = 0;
  let any = false;
  for (const ch of line) {
    const box = boxes(ch.codePointAt(0));
    if (!box || (box.yMin === 0 && box.yMax === 0)) continue; // a space has no outline
    ascent = any ? Math.max(ascent, px(box.yMax)) : px(box.yMax);
    descent = any ? Math.max(descent, px(-box.yMin)) : px(-box.yMin);
    any = true;
  }
  return any ? { ascent, descent } : null;
}

// A TrueType font's glyph boxes by character: cmap (format 4 or 12), loca and glyf. Null for a
// font without glyf outlines (CFF), where the caller falls back to the browser's measure.
export function fontGlyphBoxes(buffer) {
  const view = new DataView(buffer);
  const dir = tableDirectory(view);
  const { cmap, loca, glyf, head, maxp } = dir;
  if ([cmap, loca, glyf, head, maxp].some((t) => t === undefined)) return null;
  const longLoca = view.getInt16(head + 50) === 1;
  const glyphs = view.getUint16(maxp + 4);
  const lookup = cmapLookup(view, cmap);
  if (!lookup) return null;
  const cache = new Map();
  return (code) => {
    if (cache.has(code)) return cache.get(code);
    let box = null;
    const gid = lookup(code);
    if (gid > 0 && gid < glyphs) {
      const at = (i) => (longLoca ? view.getUint32(loca + 4 * i) : 2 * view.getUint16(loca + 2 * i));
      const start = at(gid);
      box = at(gid + 1) > start ? { yMin: view.getInt16(glyf + start + 4), yMax: view.getInt16(glyf + start + 8) }
        : { yMin: 0, yMax: 0 };
    }
    cache.set(code, box);
    return box;
  };
}

function tableDirectory(view) {
  const tables = {};
  if (view.byteLength < 12) return tables;
  const count = view.getUint16(4);
  for (let i = 0; i < count && 12 + i * 16 + 16 <= view.byteLength; i += 1) {
    const at = 12 + i * 16;
    const name = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
    tables[name] = view.getUint32(at + 8);
  }
  return tables;
}

function cmapLookup(view, cmap) {
  const count = view.getUint16(cmap + 2);
  let best = null;
  for (let i = 0; i < count; i += 1) {
    const platform = view.getUint16(cmap + 4 + i * 8);
    const encoding = view.getUint16(cmap + 6 + i * 8);
    const sub = cmap + view.getUint32(cmap + 8 + i * 8);
    const format = view.getUint16(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) return format12(view, sub);
    if (format === 4 && !best) best = format4(view, sub);
  }
  return best;
}

function format4(view, sub) {
  const segs = view.getUint16(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const offsets = deltas + 2 * segs;
  return (code) => {
    if (code > 0xffff) return 0;
    for (let i = 0; i < segs; i += 1) {
      if (code > view.getUint16(ends + 2 * i)) continue;
      const first = view.getUint16(starts + 2 * i);
      if (code < first) return 0;
      const offset = view.getUint16(offsets + 2 * i);
      const delta = view.getInt16(deltas + 2 * i);
      if (!offset) return (code + delta) & 0xffff;
      const g = view.getUint16(offsets + 2 * i + offset + 2 * (code - first));
      return g ? (g + delta) & 0xffff : 0;
    }
    return 0;
  };
}

function format12(view, sub) {
  const groups = view.getUint32(sub + 12);
  return (code) => {
    for (let i = 0; i < groups; i += 1) {
      const at = sub + 16 + i * 12;
      const first = view.getUint32(at);
      if (code >= first && code <= view.getUint32(at + 4)) return view.getUint32(at + 8) + code - first;
    }
    return 0;
  };
}

// The vertical metrics of an OpenType/TrueType font file (what FreeType reads for its line
// height): unitsPerEm from `head`, ascender, descender and line gap from `hhea`. Null for a file
// that is not one (a collection, a broken file).
export function fontMetrics(buffer) {
  const view = new DataView(buffer);
  if (view.byteLength < 12) return null;
  const tables = view.getUint16(4);
  const find = (tag) => {
    for (let i = 0; i < tables; i += 1) {
      const at = 12 + i * 16;
      if (at + 16 > view.byteLength) return null;
      const name = String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
      if (name === tag) return view.getUint32(at + 8);
    }
    return null;
  };
  const head = find('head');
  const hhea = find('hhea');
  if (head === null || hhea === null || head + 20 > view.byteLength || hhea + 10 > view.byteLength) return null;
  const unitsPerEm = view.getUint16(head + 18);
  if (!unitsPerEm) return null;
  return { unitsPerEm, ascender: view.getInt16(hhea + 4), descender: view.getInt16(hhea + 6), lineGap: view.getInt16(hhea + 8) };
}
