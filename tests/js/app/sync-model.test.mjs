import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sameTimeline } from '../../../web/js/app/sync-model.js';

const doc = { version: 2, fps: 30, playhead: 1, zoom: 50, tracks: [{ id: 'v1', clips: [{ id: 'c', start: 0 }] }] };

test('the view does not count, nor the order of keys', () => {
  assert.ok(sameTimeline(doc, { zoom: 80, playhead: 4, tracks: [{ clips: [{ start: 0, id: 'c' }], id: 'v1' }], fps: 30, version: 2 }));
});

test('a change of the document counts', () => {
  assert.ok(!sameTimeline(doc, { ...doc, tracks: [{ id: 'v1', clips: [{ id: 'c', start: 1 }] }] }));
  assert.ok(!sameTimeline(doc, { ...doc, fps: 25 }));
  assert.ok(!sameTimeline(doc, null));
  assert.ok(sameTimeline(null, null));
});
