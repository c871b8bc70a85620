import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHAR_EM, captionClips, fontSize, lineStyle, maxChars, wrap } from '../../../web/js/captions/wrap-model.js';

const line = (start, duration, text = 'Hi', extra = {}) => ({ id: `l${start}`, start, duration, text, ...extra });
const captions = (lines, extra = {}) => ({ id: 'cc', kind: 'captions', hidden: false, style: {}, clips: lines, ...extra });

// the cases of tests/test_captions.py::test_lines_wrap_to_max_width, which media/captions.py passes
test('a line wraps at spaces, keeps its breaks, and breaks a long word inside itself', () => {
  assert.equal(wrap('the quick brown fox', 9), 'the quick\nbrown fox');
  assert.equal(wrap('a\nb c', 3), 'a\nb c');
  assert.equal(wrap('abcdefgh', 3), 'abc\ndef\ngh');
  assert.equal(wrap('  spaced   out  ', 20), 'spaced out');
  assert.equal(wrap('x', 0), 'x', 'at least one character a line');
});

test('a track of 320 px at size 20 holds 21 characters a line, as the export wraps it', () => {
  assert.equal(Math.trunc((0.8 * 320) / (CHAR_EM * 20)), 21);
  const track = captions([line(0, 1, 'one two three four five six seven eight nine ten')], { style: { size: 20 } });
  assert.equal(maxChars(lineStyle(track, track.clips[0]), 320, 180), 21);
  const [clip] = captionClips(track, 320, 180);
  assert.equal(clip.text, 'one two three four\nfive six seven eight\nnine ten');
  assert.equal(clip.size, 20);
  assert.equal(clip.x, 0.5);
  assert.equal(clip.y, 0.9);
  assert.ok(!('max_width' in clip));
  // the line's own style wins over the track's
  track.clips[0].style = { y: 0.1, max_width: 1 };
  const [own] = captionClips(track, 320, 180);
  assert.equal(own.y, 0.1);
  assert.equal(own.text.split('\n').length, 2);
  assert.deepEqual(captionClips({ ...track, hidden: true }, 320, 180), []);
});

test('the default size is a twelfth of the height, at least 8; a blank line draws nothing', () => {
  assert.equal(fontSize({}, 1080), 90);
  assert.equal(fontSize({}, 50), 8);
  assert.equal(fontSize({ size: 33.7 }, 1080), 33);
  const track = captions([line(2, 1, 'later'), line(0, 1, '   ')]);
  assert.deepEqual(captionClips(track, 1920, 1080).map((c) => c.text), ['later']);
});
