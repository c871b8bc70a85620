import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitAt } from '../../../web/js/timeline/edit-model.js';
import { splitClip } from '../../../web/js/timeline/split-model.js';
import { fadeFactor, propertyAt } from '../../../web/js/timeline/values.js';

const keyed = () => ({
  id: 'k', media_id: 'm', start: 2, in: 0, out: 4, fade_in: 0.5, fade_out: 0.5, link: 'L',
  transition_in: { type: 'crossfade', duration: 0.5 },
  keyframes: {
    opacity: [{ time: 0, value: 0.2, easing: 'linear' }, { time: 1.5, value: 1, easing: 'hold' }, { time: 3, value: 0.4, easing: 'linear' }],
    'transform.x': [{ time: 1, value: 0.3, easing: 'linear' }, { time: 3.5, value: 0.7 }],
  },
});

test('the halves of a keyframed clip show what it showed: its keyframes cut, a key at the cut', () => {
  const clip = keyed();
  const [left, right] = splitClip(clip, 3.25, 'r');
  assert.deepEqual([left.out, right.in, right.start, right.id], [1.25, 1.25, 3.25, 'r']);
  assert.deepEqual(left.keyframes.opacity.map((k) => k.time), [0, 1.25]);
  assert.deepEqual(right.keyframes.opacity.map((k) => k.time), [0, 0.25, 1.75]);
  assert.equal(right.keyframes.opacity[0].value, left.keyframes.opacity[1].value);
  // off the keyframes' own times (at a hold's end the value jumps): the same values on both sides
  for (let t = 0.02; t < 4; t += 0.05) {
    const [half, at] = t < 1.25 ? [left, t] : [right, t - 1.25];
    for (const name of ['opacity', 'transform.x']) {
      assert.ok(Math.abs(propertyAt(half, name, at) - propertyAt(clip, name, t)) < 1e-9, `${name} at ${t}`);
    }
    assert.ok(Math.abs(fadeFactor(half, at) - fadeFactor(clip, t)) < 1e-9, `fade at ${t}`);
  }
  // the fades stay at the clip's ends, the transition and the link on the left half
  assert.deepEqual([left.fade_in, left.fade_out, right.fade_in, right.fade_out], [0.5, undefined, undefined, 0.5]);
  assert.ok(left.transition_in && !right.transition_in && left.link === 'L' && right.link === undefined);
  assert.equal(clip.keyframes.opacity.length, 3, 'the clip itself is left as it was');
});

test('a key at the cut starts the right half; a fade longer than its half is cut to it', () => {
  const [left, right] = splitClip({ ...keyed(), fade_in: 2, fade_out: 2.5 }, 3.5, 'r');
  assert.deepEqual(left.keyframes.opacity.at(-1), { time: 1.5, value: 1, easing: 'hold' });
  assert.deepEqual(right.keyframes.opacity[0], { time: 0, value: 1, easing: 'hold' });
  assert.deepEqual([left.fade_in, right.fade_out], [1.5, 2.5]);
});

test('split counts the clip speed: each half plays its part of the media', () => {
  const doc = { version: 2, tracks: [{ id: 'v', kind: 'video', clips: [{ id: 'a', media_id: 'm', start: 1, in: 0, out: 4, speed: 2 }] }] };
  const [left, right] = splitAt(doc, ['a'], 2).tracks[0].clips;
  assert.deepEqual([left.in, left.out, right.in, right.out, right.start], [0, 2, 2, 4, 2]);
});
