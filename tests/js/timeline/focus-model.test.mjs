import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialFocus, nearestClip, nextFocus } from '../../../web/js/timeline/focus-model.js';

const clip = (id, start, length) => ({ id, start, in: 0, out: length });
// T (text): t [1,3); V: b [4,6) listed before a [0,2); A: empty; A2: s [5,9) x [12,13)
function doc() {
  return {
    tracks: [
      { id: 'T', kind: 'text', clips: [clip('t', 1, 2)] },
      { id: 'V', kind: 'video', clips: [clip('b', 4, 2), clip('a', 0, 2)] },
      { id: 'A', kind: 'audio', clips: [] },
      { id: 'A2', kind: 'audio', clips: [clip('s', 5, 4), clip('x', 12, 1)] },
    ],
  };
}

test('left and right follow the clips of the track in time, and stop at its ends', () => {
  assert.equal(nextFocus(doc(), 'a', 'ArrowRight'), 'b');
  assert.equal(nextFocus(doc(), 'b', 'ArrowLeft'), 'a');
  assert.equal(nextFocus(doc(), 'a', 'ArrowLeft'), 'a');
  assert.equal(nextFocus(doc(), 'b', 'ArrowRight'), 'b');
  assert.equal(nextFocus(doc(), 'x', 'Home'), 's');
  assert.equal(nextFocus(doc(), 's', 'End'), 'x');
});

test('up and down go to the nearest clip in time on the nearest track with clips', () => {
  assert.equal(nextFocus(doc(), 'a', 'ArrowUp'), 't'); // t overlaps a's middle (1)
  assert.equal(nextFocus(doc(), 't', 'ArrowDown'), 'a');
  assert.equal(nextFocus(doc(), 'b', 'ArrowDown'), 's'); // the empty track A is skipped
  assert.equal(nextFocus(doc(), 'x', 'ArrowUp'), 'b'); // nothing under 12.5 on V: the closest edge
  assert.equal(nextFocus(doc(), 't', 'ArrowUp'), 't'); // no track above: the focus stays
  assert.equal(nextFocus(doc(), 's', 'ArrowDown'), 's');
});

test('a clip that is gone has no next; other keys keep the focus', () => {
  assert.equal(nextFocus(doc(), 'gone', 'ArrowRight'), null);
  assert.equal(nextFocus(doc(), 'a', 'KeyS'), 'a');
});

test('the first focus: the one before, else the selection, else the clip at the playhead', () => {
  assert.equal(initialFocus(doc(), { focused: 'b', selected: ['s'] }), 'b');
  assert.equal(initialFocus(doc(), { focused: 'gone', selected: ['gone', 's'] }), 's');
  assert.equal(initialFocus(doc(), { playhead: 2.5 }), 't');
  const empty = { tracks: [{ id: 'V', clips: [] }] };
  assert.equal(initialFocus(empty, {}), null);
  assert.equal(initialFocus(null), null);
});

test('nearest clip: the one spanning the time, else the closest edge', () => {
  const clips = [clip('p', 0, 1), clip('q', 5, 1)];
  assert.equal(nearestClip(clips, 0.5).id, 'p');
  assert.equal(nearestClip(clips, 3.9).id, 'q');
  assert.equal(nearestClip([], 1), null);
});
