import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyClips, duplicateClips, pasteClips } from '../../../web/js/timeline/clipboard-model.js';
import { setTransition } from '../../../web/js/timeline/transitions-model.js';
import { overlapFaults } from './overlap-rule.mjs';

// V: a [0,2) b [2,4), then d [8,10); A: s [0,2) linked to a
function doc() {
  return {
    version: 2, width: 1920, height: 1080, fps: 30,
    tracks: [
      { id: 'v', kind: 'video', clips: [
        { id: 'a', media_id: 'm', start: 0, in: 0, out: 2, link: 'L' },
        { id: 'b', media_id: 'm', start: 2, in: 10, out: 12 },
        { id: 'd', media_id: 'm', start: 8, in: 20, out: 22 },
      ] },
      { id: 'au', kind: 'audio', clips: [{ id: 's', media_id: 'm', start: 0, in: 0, out: 2, link: 'L' }] },
    ],
  };
}
const all = (d) => d.tracks.flatMap((t) => t.clips);
const byId = (d, id) => all(d).find((c) => c.id === id);
const onTrack = (d, track) => d.tracks.find((t) => t.id === track).clips;

test('a copy keeps the clips, their tracks and offsets from the first', () => {
  const clip = copyClips(doc(), ['b', 's']);
  assert.deepEqual(clip.items.map((i) => [i.clip.id, i.trackId, i.offset]), [['b', 'v', 2], ['s', 'au', 0]]);
  assert.equal(clip.length, 4);
  assert.equal(copyClips(doc(), ['nope']), null);
});

test('a paste lands at the playhead on the same tracks, with new ids, keeping offsets', () => {
  const d = doc();
  const r = pasteClips(d, copyClips(d, ['b', 's']), 4);
  assert.equal(r.ids.length, 2);
  const [b2, s2] = r.ids.map((id) => byId(r.doc, id));
  assert.ok(!['b', 's'].includes(b2.id) && b2.id !== s2.id);
  assert.deepEqual([b2.start, b2.in, b2.out, s2.start], [6, 10, 12, 4]);
  assert.ok(onTrack(r.doc, 'v').includes(b2) && onTrack(r.doc, 'au').includes(s2));
  assert.equal(s2.link, undefined, 'its partner was not pasted with it: no link');
  assert.deepEqual(overlapFaults(r.doc), []);
  assert.equal(all(d).length, 4, 'the document is untouched');
});

test('a paste that would overlap moves to the first place where it all fits', () => {
  const d = doc();
  const r = pasteClips(d, copyClips(d, ['b']), 1); // 1..3 is taken; 4..6 is free
  assert.equal(byId(r.doc, r.ids[0]).start, 4);
  const big = pasteClips(d, copyClips(d, ['a', 'b']), 5); // 4 s from 5 hits d at 8: after d
  assert.deepEqual(big.ids.map((id) => byId(big.doc, id).start), [10, 12]);
  assert.deepEqual(overlapFaults(big.doc), []);
});

test('linked clips pasted together are linked by a new link', () => {
  const d = doc();
  const r = pasteClips(d, copyClips(d, ['a', 's']), 20);
  const [a2, s2] = r.ids.map((id) => byId(r.doc, id));
  assert.equal(typeof a2.link, 'string');
  assert.equal(a2.link, s2.link);
  assert.notEqual(a2.link, 'L');
});

test('a pasted clip keeps its transition only with the clip it comes from', () => {
  const d = setTransition(doc(), 'b', 'crossfade', 0.5, () => 100).doc;
  const both = pasteClips(d, copyClips(d, ['a', 'b']), 20);
  assert.deepEqual(byId(both.doc, both.ids[1]).transition_in, { type: 'crossfade', duration: 0.5 });
  assert.deepEqual(overlapFaults(both.doc), []);
  const alone = pasteClips(d, copyClips(d, ['b']), 20);
  assert.equal(byId(alone.doc, alone.ids[0]).transition_in, undefined);
  assert.deepEqual(overlapFaults(alone.doc), []);
});

test('a paste that cannot be made says why', () => {
  const d = doc();
  assert.match(pasteClips(d, null, 0).error, /copy clips first/);
  assert.match(pasteClips(d, copyClips(d, ['b']), 0, { hasMedia: () => false }).error, /media was deleted/);
  assert.match(pasteClips(d, copyClips(d, ['b']), 4 * 3600 - 1).error, /No room to paste/);
  const noAudio = { ...doc(), tracks: [doc().tracks[0]] };
  assert.match(pasteClips(noAudio, copyClips(d, ['s']), 0).error, /no audio track/);
  // its track gone, the first track of its kind takes it
  const other = { ...doc(), tracks: [{ id: 'v9', kind: 'video', clips: [] }, doc().tracks[1]] };
  const moved = pasteClips(other, copyClips(d, ['b']), 0);
  assert.equal(other.tracks[0].clips.length, 0);
  assert.equal(moved.doc.tracks[0].clips[0].id, moved.ids[0]);
});

test('duplicate puts a copy right after the selection', () => {
  const d = doc();
  const r = duplicateClips(d, ['a', 'b']);
  assert.deepEqual(r.ids.map((id) => byId(r.doc, id).start), [4, 6]);
  const d2 = duplicateClips(d, ['d']);
  assert.equal(byId(d2.doc, d2.ids[0]).start, 10);
  const blocked = duplicateClips(d, ['b']); // 4..6 is free
  assert.equal(byId(blocked.doc, blocked.ids[0]).start, 4);
  assert.match(duplicateClips(d, []).error, /Select the clips/);
  assert.deepEqual(overlapFaults(r.doc), []);
});
