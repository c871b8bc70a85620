import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NO_MARKS, markIn, markOut, markedRange, placeRange, playableSources, sourceLength, targetTrack, timecode,
} from '../../../web/js/media/source-model.js';

const close = (a, b) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

test('In and Out marks make the range; a mark past the other clears it', () => {
  assert.deepEqual(markedRange(NO_MARKS, 10), { in: 0, out: 10, length: 10 });
  let m = markIn(NO_MARKS, 2, 10);
  assert.deepEqual(m, { in: 2, out: null });
  m = markOut(m, 5, 10);
  assert.deepEqual(m, { in: 2, out: 5 });
  assert.deepEqual(markedRange(m, 10), { in: 2, out: 5, length: 3 });
  assert.deepEqual(markIn(m, 6, 10), { in: 6, out: null }); // In after Out: Out cleared
  assert.deepEqual(markOut(m, 1, 10), { in: null, out: 1 }); // Out before In: In cleared
  assert.deepEqual(markIn(m, -3, 10), { in: 0, out: 5 }); // clamped to the source
  assert.deepEqual(markOut(m, 99, 10), { in: 2, out: 10 });
  assert.deepEqual(markedRange({ in: 4, out: null }, 10), { in: 4, out: 10, length: 6 });
  const tiny = markedRange({ in: 3, out: 3 }, 10);
  close(tiny.length, 0.1);
  assert.equal(sourceLength({ kind: 'image', duration: null }), 5);
  assert.equal(sourceLength({ kind: 'video', duration: 7.5 }), 7.5);
  assert.equal(timecode(75.5), '1:15.50');
  assert.equal(timecode(NaN), '–');
});

test('the first source the page can play is tried first; remote ones are left to the preview', () => {
  const sources = [
    { kind: 'local', url: 'media/a', type: 'video/x-matroska' },
    { kind: 'proxy', url: 'media/a/proxy', type: 'video/mp4' },
    { kind: 'blob', url: 'media/a', type: null },
    { kind: 'remote', url: 'https://x/y.mp4', type: 'video/mp4' },
  ];
  const canPlay = (t) => (t === 'video/mp4' ? 'probably' : '');
  assert.deepEqual(playableSources(sources, canPlay).map((s) => s.kind), ['proxy', 'blob']);
  assert.deepEqual(playableSources(null, canPlay), []);
});

const doc = () => ({
  version: 2,
  tracks: [
    { id: 't1', kind: 'text', clips: [] },
    { id: 'v2', kind: 'video', clips: [{ id: 'a', media_id: 'm', start: 0, in: 0, out: 4 }, { id: 'b', media_id: 'm', start: 6, in: 0, out: 2 }] },
    { id: 'v1', kind: 'video', clips: [] },
    { id: 'a1', kind: 'audio', clips: [] },
  ],
});
const fox = { id: 'fox', kind: 'video', duration: 10 };
const shape = (d, id) => d.tracks.find((t) => t.id === id).clips.map((c) => [c.id, c.start, c.in, c.out]);

test('a source goes on the top track of its kind', () => {
  assert.equal(targetTrack(doc(), fox), 'v2');
  assert.equal(targetTrack(doc(), { kind: 'image' }), 'v2');
  assert.equal(targetTrack(doc(), { kind: 'audio' }), 'a1');
  assert.equal(targetTrack({ tracks: [] }, fox), null);
  assert.equal(placeRange({ tracks: [] }, fox, markedRange(NO_MARKS, 10), 0), null);
});

test('insert at the playhead splits the clip under it and moves what follows right', () => {
  const range = markedRange({ in: 2, out: 5 }, 10);
  const { doc: d, clip } = placeRange(doc(), fox, range, 1, 'insert', 'new');
  assert.deepEqual(clip, { id: 'new', media_id: 'fox', start: 1, in: 2, out: 5 });
  const clips = shape(d, 'v2');
  assert.deepEqual(clips.map((c) => c[0]).slice(0, 2), ['a', 'new']);
  assert.deepEqual(clips[0], ['a', 0, 0, 1]);
  assert.deepEqual(clips[1], ['new', 1, 2, 5]);
  assert.deepEqual(clips[2].slice(1), [4, 1, 4]); // the rest of a, moved right by 3
  assert.deepEqual(clips[3], ['b', 9, 0, 2]);
  // at a cut: nothing split, everything after moves
  const atCut = placeRange(doc(), fox, range, 6, 'insert', 'n2').doc;
  assert.deepEqual(shape(atCut, 'v2'), [['a', 0, 0, 4], ['n2', 6, 2, 5], ['b', 9, 0, 2]]);
});

test('overwrite at the playhead cuts away what lies under the new clip, nothing moves', () => {
  const range = markedRange({ in: 0, out: 3 }, 10);
  const { doc: d } = placeRange(doc(), fox, range, 3, 'overwrite', 'new');
  const clips = shape(d, 'v2');
  assert.deepEqual(clips[0], ['a', 0, 0, 3]); // trimmed at 3
  assert.deepEqual(clips[1], ['new', 3, 0, 3]);
  assert.deepEqual(clips[2].slice(1), [6, 0, 2]); // b from 6: untouched (the new clip ends at 6)
  assert.equal(clips.length, 3);
  // inside one clip: it is cut in two around the new one
  const inside = shape(placeRange(doc(), fox, markedRange({ in: 0, out: 1 }, 10), 1, 'overwrite', 'n').doc, 'v2');
  assert.deepEqual(inside.map((c) => c.slice(1)), [[0, 0, 1], [1, 0, 1], [2, 2, 4], [6, 0, 2]]);
  // over whole clips: they go
  const over = shape(placeRange(doc(), fox, markedRange(NO_MARKS, 10), 0, 'overwrite', 'n').doc, 'v2');
  assert.deepEqual(over, [['n', 0, 0, 10]]);
});
