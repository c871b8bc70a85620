import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProxyWatch, driftRate, mediaKinds, playsFromStart } from '../../../web/js/preview/preview-model.js';

const media = [
  { id: 'v', kind: 'video', proxy: { status: 'ready' } },
  { id: 'w', kind: 'video', proxy: { status: 'encoding', progress: 0.5 } },
  { id: 'i', kind: 'image' },
];
// V1: v [0,4) in 1..5, a gap, i [6,9); V2 (under it): w at double speed [2,5)
function doc() {
  return {
    version: 2, fps: 25, width: 1280, height: 720,
    tracks: [
      { id: 'v1', kind: 'video', hidden: false, clips: [{ id: 'a', media_id: 'v', start: 0, in: 1, out: 5 }, { id: 'b', media_id: 'i', start: 6, in: 0, out: 3 }] },
      { id: 'v2', kind: 'video', hidden: false, clips: [{ id: 'c', media_id: 'w', start: 2, in: 0, out: 6, speed: 2 }] },
    ],
  };
}

test('media kinds by id', () => {
  assert.deepEqual([...mediaKinds(media)], [['v', 'video'], ['w', 'video'], ['i', 'image']]);
});

test('play starts over when the playhead is at the end (a fast clip ends early)', () => {
  assert.equal(playsFromStart(doc(), 9), true);
  assert.equal(playsFromStart(doc(), 8.995), true);
  assert.equal(playsFromStart(doc(), 4), false);
  const fast = doc();
  fast.tracks[0].clips.pop();
  assert.equal(playsFromStart(fast, 5), true, 'c ends at 2 + 6 / 2');
  assert.equal(playsFromStart({ tracks: [] }, 0), true);
});

test('an element off the clock is slowed or hurried towards it, by at most a tenth', () => {
  assert.equal(driftRate(1, 0), 1);
  assert.ok(Math.abs(driftRate(1, 0.02) - 0.96) < 1e-9, 'ahead: slower');
  assert.ok(Math.abs(driftRate(1, -0.02) - 1.04) < 1e-9, 'behind: faster');
  assert.ok(Math.abs(driftRate(2, -1) - 2.2) < 1e-9, 'capped, and relative to its own rate');
  // under half a frame the element keeps its own rate, and a correction moves in 2% steps, so a
  // rate is not set anew on every frame (each one is a seek in WebKitGTK)
  assert.equal(driftRate(1, 0.015), 1);
  assert.equal(driftRate(1.5, -0.019), 1.5);
  assert.equal(driftRate(1, 0.021), driftRate(1, 0.024));
  assert.ok(Math.abs(driftRate(1, 0.03) - 0.94) < 1e-9, 'a 6% correction');
});

test('a proxy made just now is told once; one that was ready already is not', () => {
  const proxies = createProxyWatch();
  proxies.reset(media);
  assert.equal(proxies.changed('v', media[0]), false); // ready before
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'encoding', progress: 0.9 } }), false);
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'ready' } }), true);
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'ready' } }), false);
  assert.equal(proxies.changed('w', { ...media[1], proxy: null }), false); // turned off
  assert.equal(proxies.changed('w', { ...media[1], proxy: { status: 'ready' } }), true); // and made again
  assert.equal(proxies.changed('x', undefined), false);
});

test('a frame is drawn again only when a layer\'s source frame, its look or a title changes', async () => {
  const { frameKey } = await import('../../../web/js/preview/preview-model.js');
  const look = { x: 0.5, y: 0.5, scale: 1, rotation: 0, alpha: 1, dip: 0, dx: 0, wipe: null };
  const layers = [{ clip: { id: 'a' }, look }];
  const titles = [{ text: 'Hi', x: 0.5, y: 0.85, size: 60, color: '#fff' }];
  const key = frameKey(layers, titles, () => 12);
  assert.equal(frameKey(layers, titles, () => 12), key);
  assert.notEqual(frameKey(layers, titles, () => 13), key, 'the element moved on a frame');
  assert.notEqual(frameKey([{ clip: { id: 'a' }, look: { ...look, alpha: 0.99 } }], titles, () => 12), key, 'a fade');
  assert.notEqual(frameKey(layers, [{ ...titles[0], text: 'Ho' }], () => 12), key, 'a title');
  assert.notEqual(frameKey(layers, [], () => 12), key);
});
