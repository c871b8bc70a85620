import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moveClips } from '../../../web/js/timeline/edit-model.js';
import { setTransition } from '../../../web/js/timeline/transitions-model.js';
import { overlapFaults } from './overlap-rule.mjs';

// V: a [0,2) b [2,4) c [6,8); A: s [2,4) linked to b
function doc() {
  return {
    version: 2, width: 1920, height: 1080, fps: 25,
    tracks: [
      { id: 'v', kind: 'video', clips: [
        { id: 'a', media_id: 'm', start: 0, in: 0, out: 2 },
        { id: 'b', media_id: 'm', start: 2, in: 10, out: 12, link: 'L' },
        { id: 'c', media_id: 'm', start: 6, in: 20, out: 22 }] },
      { id: 'au', kind: 'audio', clips: [{ id: 's', media_id: 'm', start: 2, in: 10, out: 12, link: 'L' }] },
    ],
  };
}
const start = (d, id) => d.tracks.flatMap((t) => t.clips).find((c) => c.id === id).start;

test('a selection moves together by a delta, with the clips linked to it', () => {
  const d = doc();
  const r = moveClips(d, ['b', 'c'], 1);
  assert.deepEqual(['a', 'b', 'c', 's'].map((id) => start(r, id)), [0, 3, 7, 3]);
  assert.equal(start(d, 'b'), 2, 'the document is untouched');
  const frame = moveClips(d, ['c'], -1 / 25);
  assert.equal(start(frame, 'c'), 6 - 1 / 25);
});

test('refused as a whole when any clip has no room, or would go before 0', () => {
  const d = doc();
  assert.equal(moveClips(d, ['b', 'c'], -1), d, 'b would run into a');
  assert.equal(moveClips(d, ['a', 'b'], -0.5), d, 'a would go before 0');
  assert.equal(moveClips(d, ['a'], 0.5), d, 'a would run into b');
  const both = moveClips(d, ['a', 'b'], 1.5); // a and b move as one, into the gap before c
  assert.deepEqual(['a', 'b', 'c'].map((id) => start(both, id)), [1.5, 3.5, 6]);
  assert.equal(moveClips(d, [], 1), d);
  assert.equal(moveClips(d, ['a'], 0), d);
});

test('a transition inside the selection stays; one to a clip left behind comes off', () => {
  const d = setTransition(doc(), 'b', 'crossfade', 0.5, () => 100).doc;
  const together = moveClips(d, ['a', 'b'], 1);
  assert.deepEqual(together.tracks[0].clips.find((c) => c.id === 'b').transition_in, { type: 'crossfade', duration: 0.5 });
  assert.deepEqual(overlapFaults(together), []);
  const apart = moveClips(d, ['b'], 1);
  assert.equal(apart.tracks[0].clips.find((c) => c.id === 'b').transition_in, undefined);
  assert.equal(apart.tracks[0].clips.find((c) => c.id === 'a').out, 2, 'a gives its overlap back');
  assert.deepEqual(overlapFaults(apart), []);
  assert.equal(moveClips(d, ['b'], 5), d, 'refused: the transition stays too');
});
