import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipCount, deleteQuestion, deletedNote, putBack, takenOut } from '../../../web/js/media/delete-model.js';
import { removeMedia } from '../../../web/js/timeline/edit-model.js';

const clip = (id, mediaId, start, length = 2, extra = {}) => ({ id, media_id: mediaId, start, in: 0, out: length, ...extra });
const doc = () => ({
  version: 2,
  tracks: [
    { id: 'v1', kind: 'video', clips: [clip('a', 'fox', 0, 2, { link: 'L1' }), clip('b', 'sea', 2), clip('c', 'fox', 6)] },
    { id: 'a1', kind: 'audio', clips: [clip('d', 'fox-sound', 0, 2, { link: 'L1' }), clip('e', 'fox', 4)] },
  ],
});

test('the question names how many clips use the item', () => {
  const d = doc();
  assert.equal(clipCount(d, 'fox'), 3);
  assert.equal(clipCount(d, 'sea'), 1);
  assert.equal(clipCount(d, 'none'), 0);
  assert.equal(clipCount(null, 'fox'), 0);
  assert.equal(deleteQuestion({ name: 'Fox' }, 3), 'Delete “Fox”? It is used by 3 clips on the timeline, which go with it.');
  assert.equal(deleteQuestion({ name: 'Sea' }, 1), 'Delete “Sea”? It is used by 1 clip on the timeline, which goes with it.');
  assert.equal(deleteQuestion({ name: 'Logo' }, 0), 'Delete “Logo” from the project?');
  assert.equal(deletedNote({ name: 'Fox' }, 3), 'Deleted “Fox” and its 3 clips.');
  assert.equal(deletedNote({ name: 'Sea' }, 1), 'Deleted “Sea” and its 1 clip.');
  assert.equal(deletedNote({ name: 'Logo' }, 0), 'Deleted “Logo”.');
});

test('the clips taken out come back where they were, with their partners\' links', () => {
  const before = doc();
  const taken = takenOut(before, 'fox');
  assert.deepEqual(taken.clips.map((c) => [c.trackId, c.clip.id]), [['v1', 'a'], ['v1', 'c'], ['a1', 'e']]);
  assert.deepEqual(taken.partners, [{ clipId: 'd', link: 'L1' }]);
  const after = removeMedia(before, ['fox']); // what the delete leaves (the partner's link dropped)
  assert.equal(after.tracks[1].clips[0].link, undefined);
  const { doc: back, placed, skipped } = putBack(after, taken);
  assert.equal(placed, 3);
  assert.equal(skipped, 0);
  assert.deepEqual(back, before);
  assert.notEqual(back, after);
  assert.equal(after.tracks[0].clips.length, 1); // the document given is not changed
});

test('a clip whose place was taken since, or whose track is gone, stays out', () => {
  const before = doc();
  const taken = takenOut(before, 'fox');
  const after = removeMedia(before, ['fox']);
  after.tracks[0].clips.push(clip('new', 'sea', 5.5)); // over the old place of c
  after.tracks = after.tracks.filter((t) => t.id !== 'a1'); // e's track removed
  const { doc: back, placed, skipped } = putBack(after, taken);
  assert.equal(placed, 1);
  assert.equal(skipped, 2);
  assert.deepEqual(back.tracks[0].clips.map((c) => c.id), ['a', 'b', 'new']);
  // nothing to put back: the same document
  assert.equal(putBack(back, takenOut(back, 'nothing')).doc, back);
  // put back twice: the second time finds the clips there
  const again = putBack(back, taken);
  assert.equal(again.doc, back);
  assert.equal(again.placed, 0);
});
