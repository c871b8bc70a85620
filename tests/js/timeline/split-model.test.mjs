import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitAt } from '../../../web/js/timeline/edit-model.js';
import { splitClip } from '../../../web/js/timeline/split-model.js';
import { clipLength, fadeFactor, opacityAt, propertyAt, volumeAt } from '../../../web/js/timeline/values.js';

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

test('a key at the cut starts the right half', () => {
  const [left, right] = splitClip(keyed(), 3.5, 'r');
  assert.deepEqual(left.keyframes.opacity.at(-1), { time: 1.5, value: 1, easing: 'hold' });
  assert.deepEqual(right.keyframes.opacity[0], { time: 0, value: 1, easing: 'hold' });
  assert.deepEqual([left.fade_in, right.fade_out], [0.5, 0.5]);
});

// The picture's and the sound's level along the clip, against its halves': the worst difference,
// away from the times `skip` says.
function worstLevelChange(clip, t, skip = () => false) {
  const [left, right] = splitClip(clip, clip.start + t, 'r');
  let worst = 0;
  for (let s = 0.01; s < clipLength(clip); s += 0.01) {
    if (skip(s)) continue;
    const [half, at] = s < t ? [left, s] : [right, s - t];
    for (const level of [opacityAt, volumeAt]) worst = Math.max(worst, Math.abs(level(half, at) - level(clip, s)));
  }
  return { left, right, worst };
}

test('a cut inside a fade keeps the levels: the fade is scaled on one half and ramped on the other', () => {
  const plain = { id: 'p', media_id: 'm', start: 2, in: 0, out: 4, fade_in: 2, fade_out: 1.5, volume: 0.8, opacity: 0.9 };
  // inside the fade in: the left half fades in over itself to the level at the cut, 0.25
  const a = worstLevelChange(plain, 0.5);
  assert.ok(a.worst < 1e-12, `levels moved by ${a.worst}`);
  assert.deepEqual([a.left.fade_in, a.left.opacity, a.left.volume], [0.5, 0.9 * 0.25, 0.8 * 0.25]);
  assert.equal(a.right.fade_in, undefined);
  assert.deepEqual(a.right.keyframes.volume, [{ time: 0, value: 0.8 * 0.25, easing: 'linear' },
    { time: 1.5, value: 0.8, easing: 'linear' }]);
  // inside the fade out (which starts at 2.5 s): the right half fades out from the level at the cut
  const b = worstLevelChange(plain, 3);
  assert.ok(b.worst < 1e-12, `levels moved by ${b.worst}`);
  assert.deepEqual([b.right.fade_out, b.right.volume], [1, 0.8 / 1.5]);
  assert.deepEqual(b.left.keyframes.opacity.map((k) => k.time), [2.5, 3]);
  assert.equal(b.left.fade_out, undefined);
  // a cut at a fade's end changes nothing but the cut itself
  const c = worstLevelChange(plain, 2);
  assert.deepEqual([c.left.fade_in, c.left.opacity, c.left.keyframes, c.right.keyframes], [2, 0.9, undefined, undefined]);
  // a text clip has no sound to ramp
  const [, title] = splitClip({ id: 't', start: 0, duration: 3, text: 'Hi', fade_in: 1 }, 0.5, 'r');
  assert.deepEqual(Object.keys(title.keyframes), ['opacity']);
});

test('inside a fade over keyframed levels, the ramp is sampled: within a level in 255', () => {
  const clip = { ...keyed(), fade_in: 2, fade_out: 1.5 }; // the fade out from 2.5 s
  for (const t of [0.3, 1.2, 1.5, 1.9, 2.6]) {
    const { worst } = worstLevelChange(clip, t);
    assert.ok(worst < 1 / 255, `cut at ${t}: levels moved by ${worst}`);
  }
  // the hold from 1.5 s jumps at 3 s, inside the fade out: the jump stays at its time, and only the
  // last sample step before it holds its level (a slope there needs a keyframe just before 3 s)
  for (const t of [3.2, 3.7]) {
    const step = (t - 2.5) / 8;
    const { left, worst } = worstLevelChange(clip, t, (s) => s > 3 - step && s < 3);
    assert.ok(worst < 1 / 255, `cut at ${t}: levels moved by ${worst}`);
    const everywhere = worstLevelChange(clip, t).worst;
    assert.ok(everywhere <= (1 - (4 - t) / 1.5) / 8 + 1e-9, `cut at ${t}: ${everywhere}`);
    assert.ok(Math.abs(opacityAt(left, 3) - opacityAt(clip, 3)) < 1e-12);
    assert.ok(opacityAt(left, 2.9999) - opacityAt(left, 3) > 0.3, 'the jump is still at 3 s');
  }
});

test('split counts the clip speed: each half plays its part of the media', () => {
  const doc = { version: 2, tracks: [{ id: 'v', kind: 'video', clips: [{ id: 'a', media_id: 'm', start: 1, in: 0, out: 4, speed: 2 }] }] };
  const [left, right] = splitAt(doc, ['a'], 2).tracks[0].clips;
  assert.deepEqual([left.in, left.out, right.in, right.out, right.start], [0, 2, 2, 4, 2]);
});
