import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutsOf, removeTransition, setTransition, settleTransitions } from '../../../web/js/timeline/transitions-model.js';
import { moveClip, trimEnd } from '../../../web/js/timeline/edit-model.js';

// a: 0-2 s of a 4 s clip; b: 2-4 s, from 1 s into a 3 s clip; c: after a gap
const lengths = { m4: 4, m3: 3, m2: 2 };
const mediaLength = (id) => lengths[id];
function doc() {
  return {
    version: 2, width: 1920, height: 1080, fps: 30,
    tracks: [{ id: 'v', kind: 'video', clips: [
      { id: 'a', media_id: 'm4', start: 0, in: 0, out: 2 },
      { id: 'b', media_id: 'm3', start: 2, in: 1, out: 3 },
      { id: 'c', media_id: 'm2', start: 5, in: 0, out: 2 },
    ] }],
  };
}
const clip = (d, id) => d.tracks[0].clips.find((c) => c.id === id);

test('a crossfade on a cut takes its overlap from the media after the outgoing clip', () => {
  const { doc: d } = setTransition(doc(), 'b', 'crossfade', 0.5, mediaLength);
  assert.deepEqual(clip(d, 'b').transition_in, { type: 'crossfade', duration: 0.5 });
  assert.equal(clip(d, 'a').out, 2.5, 'a runs 0.5 s under b');
  assert.equal(clip(d, 'b').start, 2, 'b stays where it was');
});

test('without media after the cut, the overlap comes from before the incoming clip', () => {
  const d0 = doc();
  clip(d0, 'a').out = 4; // a uses its whole media
  clip(d0, 'b').start = 4;
  const { doc: d } = setTransition(d0, 'b', 'dip_black', 0.8, mediaLength);
  assert.equal(clip(d, 'b').start, 3.2);
  assert.ok(Math.abs(clip(d, 'b').in - 0.2) < 1e-9);
  assert.equal(clip(d, 'a').out, 4);
});

test('a transition that cannot fit says why', () => {
  assert.equal(setTransition(doc(), 'a', 'crossfade', 0.5, mediaLength).error,
    'A crossfade needs a clip before this one on its track.');
  assert.equal(setTransition(doc(), 'c', 'crossfade', 0.5, mediaLength).error,
    'This clip does not touch the clip before it (a 1.00 s gap): close the gap first.');
  assert.equal(setTransition(doc(), 'b', 'wipe_left', 3, mediaLength).error,
    'A 3 s wipe left is longer than a clip it joins (2.00 s).');
  const tight = doc();
  clip(tight, 'a').out = 4;
  clip(tight, 'b').start = 4;
  clip(tight, 'b').in = 0.1;
  assert.match(setTransition(tight, 'b', 'crossfade', 0.5, mediaLength).error,
    /^A 0\.5 s crossfade needs 0\.5 s more media after the clip before \(it has 0\.00 s\) or before this one \(it has 0\.10 s\)\./);
  assert.equal(setTransition(doc(), 'b', 'spin', 0.5, mediaLength).error, 'Unknown transition spin.');
});

test('changing a transition replaces it; removing one gives the cut back', () => {
  const one = setTransition(doc(), 'b', 'crossfade', 0.5, mediaLength).doc;
  const two = setTransition(one, 'b', 'slide_left', 1, mediaLength).doc;
  assert.deepEqual(clip(two, 'b').transition_in, { type: 'slide_left', duration: 1 });
  assert.equal(clip(two, 'a').out, 3);
  const none = removeTransition(two, 'b');
  assert.equal(clip(none, 'b').transition_in, undefined);
  assert.equal(clip(none, 'a').out, 2);
});

test('cuts are where a clip starts at the end of the one before, or has a transition', () => {
  assert.deepEqual(cutsOf(doc().tracks[0]), [{ clipId: 'b', time: 2 }]);
  const d = setTransition(doc(), 'b', 'crossfade', 0.5, mediaLength).doc;
  assert.deepEqual(cutsOf(d.tracks[0]), [{ clipId: 'b', time: 2.25 }]);
});

test('a trim moves the transition with the overlap; a move takes it away', () => {
  const d = setTransition(doc(), 'b', 'crossfade', 0.5, mediaLength).doc;
  const trimmed = settleTransitions(trimEnd(d, 'a', 2.3, 4));
  assert.ok(Math.abs(clip(trimmed, 'b').transition_in.duration - 0.3) < 1e-9);
  const cut = settleTransitions(trimEnd(d, 'a', 2, 4));
  assert.equal(clip(cut, 'b').transition_in, undefined);
  const moved = moveClip(d, 'b', 'v', 2.5);
  assert.equal(clip(moved, 'b').transition_in, undefined);
  assert.equal(clip(moved, 'a').out, 2, 'the clip before ends where it did before the transition');
  assert.equal(clip(moved, 'b').start, 2.5);
  const movedA = moveClip(d, 'a', 'v', 0);
  assert.equal(clip(movedA, 'b').transition_in, undefined, 'moving the outgoing clip takes it away too');
  assert.equal(settleTransitions(d), d, 'nothing to settle: the same document');
});
