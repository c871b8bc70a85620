import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CANVAS_PRESETS, FRAME_RATES, adoptedFormat, canvasPreset, parseCanvas, withCanvas } from '../../../web/js/preview/canvas-model.js';

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

test('a canvas the user sets is marked as chosen', () => {
  const doc = { width: 1920, height: 1080, fps: 30, tracks: [] };
  assert.equal(withCanvas(doc, { fps: 24 }).format_set, true);
});

const empty = { width: 1920, height: 1080, fps: 30, tracks: [{ id: 'v1', kind: 'video', clips: [] }, { id: 'a1', kind: 'audio', clips: [] }] };
const withClip = (doc, track, mediaId) => ({
  ...doc, tracks: doc.tracks.map((t) => (t.id === track ? { ...t, clips: [...t.clips, { id: `c${t.clips.length}`, media_id: mediaId, start: 0, in: 0, out: 1 }] } : t)),
});
const library = [
  { id: 'ltx', kind: 'video', width: 1280, height: 720, fps: 24 },
  { id: 'tall', kind: 'video', width: 1079, height: 1921, fps: 29.97002997 },
  { id: 'song', kind: 'audio' },
  { id: 'still', kind: 'image', width: 4000, height: 3000 },
];

test('the first video on a timeline nobody formatted gives it its size and rate', () => {
  assert.deepEqual(adoptedFormat(empty, withClip(empty, 'v1', 'ltx'), library), { width: 1280, height: 720, fps: 24 });
  // odd sides round to even ones, and a broadcast rate keeps three decimals
  assert.deepEqual(adoptedFormat(empty, withClip(empty, 'v1', 'tall'), library), { width: 1080, height: 1922, fps: 29.97 });
});

test('nothing changes once the user chose a format, or once video is there, or for sound and stills', () => {
  assert.equal(adoptedFormat(empty, withClip({ ...empty, format_set: true }, 'v1', 'ltx'), library), null);
  const one = withClip(empty, 'v1', 'ltx');
  assert.equal(adoptedFormat(one, withClip(one, 'v1', 'tall'), library), null);
  assert.equal(adoptedFormat(empty, withClip(empty, 'a1', 'song'), library), null);
  assert.equal(adoptedFormat(empty, withClip(empty, 'v1', 'still'), library), null);
  // already the clip's format: no change to announce
  const hd = { ...empty, width: 1280, height: 720, fps: 24 };
  assert.equal(adoptedFormat(hd, withClip(hd, 'v1', 'ltx'), library), null);
});
