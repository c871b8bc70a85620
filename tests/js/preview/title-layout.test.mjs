import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dragTo, fontGlyphBoxes, fontMetrics, hintedInk, hitTitle, lineHeightOf, titleLayout, titleLines, titleStyle } from '../../../web/js/preview/title-layout.js';

const canvas = { width: 1000, height: 500 };
// a fake font: every character 10 px of advance, 30 px of ink above the baseline, 8 below
const measure = (line) => ({ advance: line.length * 10 + 0.4, ascent: line ? 30 : 0, descent: line ? 8 : 0 });
const title = (extra = {}) => ({ text: 'abcd\nab', x: 0.5, y: 0.5, size: 40, color: '#ffffff', ...extra });

test('the block is the widest line wide and ink-top to ink-bottom high, plus a line step per line', () => {
  const l = titleLayout(title(), canvas, measure, 46);
  assert.equal(l.width, 41, 'ceil(40.4)');
  assert.equal(l.height, 46 + 30 + 8);
  assert.equal(l.left, 500 - 41 / 2);
  assert.equal(l.top, 250 - 84 / 2);
  assert.deepEqual(l.lines.map((x) => x.baseline), [l.top + 30, l.top + 30 + 46]);
});

test('line_spacing adds whole pixels between lines, negative too', () => {
  const wide = titleLayout(title({ line_spacing: 10 }), canvas, measure, 46);
  assert.equal(wide.height, 56 + 38);
  assert.equal(wide.lines[1].baseline - wide.lines[0].baseline, 56);
  const tight = titleLayout(title({ line_spacing: -6 }), canvas, measure, 46);
  assert.equal(tight.lines[1].baseline - tight.lines[0].baseline, 40);
});

test('align shifts each line within the block as drawtext does (centre rounds down)', () => {
  const left = titleLayout(title(), canvas, measure, 46);
  assert.deepEqual(left.lines.map((x) => x.x - left.left), [0, 0]);
  const centre = titleLayout(title({ align: 'center' }), canvas, measure, 46);
  assert.deepEqual(centre.lines.map((x) => x.x - centre.left), [0, Math.floor((41 - 21) / 2)]);
  const right = titleLayout(title({ align: 'right' }), canvas, measure, 46);
  assert.deepEqual(right.lines.map((x) => x.x - right.left), [0, 20]);
  assert.equal(titleLayout(title({ align: 'justify' }), canvas, measure, 46).style.align, 'left');
});

test('the box is the block, its corner truncated, padded on every side; none without opacity', () => {
  const l = titleLayout(title({ box: { color: '#0000ff', opacity: 0.6, padding: 12 } }), canvas, measure, 46);
  assert.deepEqual(l.box, { x: Math.trunc(l.left) - 12, y: Math.trunc(l.top) - 12, w: 41 + 24, h: 84 + 24 });
  assert.deepEqual(l.bounds, l.box);
  assert.equal(titleLayout(title({ box: { color: '#0000ff', opacity: 0, padding: 12 } }), canvas, measure, 46).box, null);
});

test('a style fills in the export defaults and drops what draws nothing', () => {
  assert.deepEqual(titleStyle({}), { font: 'DejaVu Sans', bold: true, italic: false, align: 'left', lineSpacing: 0,
    outline: null, shadow: null, box: null });
  assert.equal(titleStyle({ outline: { color: '#f00', width: 0 } }).outline, null);
  // drawtext draws a shadow only with an offset
  assert.equal(titleStyle({ shadow: { color: '#000', x: 0, y: 0, opacity: 1 } }).shadow, null);
  assert.ok(titleStyle({ shadow: { color: '#000', x: 0, y: 2, opacity: 1 } }).shadow);
  assert.deepEqual(titleLines('a\r\nb\n\nc'), ['a', 'b', '', 'c']);
});

test('hit-testing takes the topmost title whose box (or outlined block) holds the point', () => {
  const a = titleLayout(title(), canvas, measure, 46);
  const b = titleLayout(title({ outline: { color: '#000', width: 5 } }), canvas, measure, 46);
  assert.equal(hitTitle([a, b], 500, 250), 1);
  assert.equal(hitTitle([a, b], a.left - 3, 250), 1, 'the outline is part of it');
  assert.equal(hitTitle([a], a.left - 3, 250), -1);
  assert.equal(hitTitle([a, b], 10, 10), -1);
});

test('a drag moves the centre by canvas pixels, kept on the canvas', () => {
  assert.deepEqual(dragTo({ x: 0.5, y: 0.5 }, 100, -50, canvas), { x: 0.6, y: 0.4 });
  assert.deepEqual(dragTo({ x: 0.5, y: 0.5 }, 900, -900, canvas), { x: 1, y: 0 });
});

const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
test('a font file\'s hhea metrics give FreeType\'s line height (DejaVu is what titles need)', () => {
  const bytes = readFileSync(DEJAVU);
  const m = fontMetrics(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.deepEqual(m, { unitsPerEm: 2048, ascender: 1901, descender: -483, lineGap: 0 });
  assert.equal(lineHeightOf(m, 60), 70, 'round(2384 * 60 / 2048)');
  assert.equal(fontMetrics(new ArrayBuffer(4)), null);
  // the glyph boxes, by character (cmap, loca, glyf), and the ink drawtext measures with them:
  // FFmpeg 9's drawtext draws "Reel\ncut it" at 40 px with line_spacing 4 as a block 81 px high,
  // 51 (47 + 4) + 30 (the l's top, 30.4 px, on the grid) + 0 (the c's 0.57 px overshoot, snapped)
  const boxes = fontGlyphBoxes(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  assert.deepEqual(boxes('l'.codePointAt(0)), { yMin: 0, yMax: 1556 });
  assert.deepEqual(boxes('c'.codePointAt(0)), { yMin: -29, yMax: 1147 });
  assert.deepEqual(boxes(0x20), { yMin: 0, yMax: 0 }, 'a space has no outline');
  assert.equal(boxes(0x10ffff), null);
  assert.deepEqual(hintedInk('Reel', 40, 2048, boxes), { ascent: 30, descent: 0 });
  assert.deepEqual(hintedInk('cut it', 40, 2048, boxes), { ascent: 30, descent: 0 });
  // and "gj" 39 px high: 30 (the j's dot) + 9 (the descenders' 8.6 px)
  assert.deepEqual(hintedInk('gj', 40, 2048, boxes), { ascent: 30, descent: 9 });
  assert.equal(hintedInk('  ', 40, 2048, boxes), null);
  const l = titleLayout({ text: 'Reel\ncut it', x: 0.5, y: 0.5, line_spacing: 4, align: 'center' }, { width: 320, height: 180 },
    (line) => ({ advance: 0, ...hintedInk(line, 40, 2048, boxes) }), lineHeightOf(m, 40));
  assert.equal(l.height, 81);
});
