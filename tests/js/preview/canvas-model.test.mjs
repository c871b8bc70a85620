import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANVAS_PRESETS, FRAME_RATES, canvasPreset, parseCanvas, withCanvas } from '../../../web/js/preview/canvas-model.js';

const limits = { width: { low: 16, high: 7680 }, height: { low: 16, high: 7680 } };

test('the presets and frame rates the issue names', () => {
  assert.deepEqual(CANVAS_PRESETS.map((p) => `${p.width}x${p.height}`), ['1920x1080', '1280x720', '1080x1920', '1080x1080', '1080x1350']);
  assert.deepEqual(FRAME_RATES, [24, 25, 30, 50, 60]);
  assert.equal(canvasPreset({ width: 1080, height: 1920 }).label, '9:16 · 1080 × 1920');
  assert.equal(canvasPreset({ width: 1000, height: 1000 }), null);
});

test('a custom size is even, whole and within the limits', () => {
  assert.deepEqual(parseCanvas('1000', ' 1200 ', limits), { width: 1000, height: 1200 });
  assert.deepEqual(parseCanvas('1001', '1200', limits), { error: 'The width must be an even whole number of pixels from 16 to 7680.' });
  assert.deepEqual(parseCanvas('1000', '8000', limits), { error: 'The height must be an even whole number of pixels from 16 to 7680.' });
  assert.deepEqual(parseCanvas('wide', '100', limits).error, 'The width must be an even whole number of pixels from 16 to 7680.');
});

test('a new canvas keeps every clip', () => {
  const doc = { width: 1920, height: 1080, fps: 30, tracks: [{ id: 't', clips: [{ id: 'a' }] }] };
  const tall = withCanvas(doc, { width: 1080, height: 1920 });
  assert.deepEqual([tall.width, tall.height, tall.fps, tall.tracks[0].clips.length], [1080, 1920, 30, 1]);
  assert.equal(withCanvas(doc, { fps: 24 }).fps, 24);
  assert.equal(doc.width, 1920);
});
