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

import { rebase } from '../../../web/js/app/sync-model.js';

const clip = (id, start, extra = {}) => ({ id, media_id: 'm', start, in: 0, out: 1, ...extra });
const base = {
  version: 2, width: 1920, height: 1080, playhead: 0, zoom: 50,
  tracks: [
    { id: 'v1', kind: 'video', muted: false, clips: [clip('a', 0), clip('b', 2)] },
    { id: 'a1', kind: 'audio', muted: false, clips: [] },
  ],
};
const copy = (d) => structuredClone(d);

test('the page\'s edit is made again on their copy, and their changes stay', () => {
  // mine: a split of a (a shortened, a2 added), muted the audio track, moved the playhead
  const mine = copy(base);
  mine.playhead = 0.5;
  mine.tracks[0].clips = [clip('a', 0, { out: 0.5 }), clip('a2', 0.5, { in: 0.5 }), clip('b', 2)];
  mine.tracks[1].muted = true;
  // theirs: b moved later, a new clip c, the canvas changed
  const theirs = copy(base);
  theirs.width = 1080; theirs.height = 1920;
  theirs.tracks[0].clips = [clip('a', 0), clip('b', 4), clip('c', 6)];
  const got = rebase(base, mine, theirs);
  assert.equal(got.width, 1080);
  assert.equal(got.playhead, 0.5);
  assert.equal(got.tracks[1].muted, true);
  assert.deepEqual(got.tracks[0].clips, [clip('a', 0, { out: 0.5 }), clip('a2', 0.5, { in: 0.5 }), clip('b', 4), clip('c', 6)]);
});

test('removed clips and tracks stay removed; a clip moved to another track goes there', () => {
  const mine = copy(base);
  mine.tracks[0].clips = [clip('b', 2)]; // a deleted
  mine.tracks.push({ id: 'v2', kind: 'video', muted: false, clips: [] });
  const theirs = copy(base);
  theirs.tracks = theirs.tracks.filter((t) => t.id !== 'a1'); // they removed the audio track
  const got = rebase(base, mine, theirs);
  assert.deepEqual(got.tracks.map((t) => t.id), ['v1', 'v2']);
  assert.deepEqual(got.tracks[0].clips.map((c) => c.id), ['b']);

  const moved = copy(base);
  moved.tracks[0].clips = [clip('b', 2)];
  moved.tracks[1].clips = [clip('a', 0)];
  const got2 = rebase(base, moved, copy(base));
  assert.deepEqual(got2.tracks.map((t) => t.clips.map((c) => c.id)), [['b'], ['a']]);
});

test('nothing changed on either side gives their copy back', () => {
  assert.ok(sameTimeline(rebase(base, copy(base), copy(base)), base));
});
