import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deleteClips, findClip, moveClip, removeMedia, splitAt, trimEnd } from '../../../web/js/timeline/edit-model.js';
import { canDetach, detachAudio, isLinked, unlink } from '../../../web/js/timeline/link-model.js';
import { soundsAt } from '../../../web/js/preview/compose-model.js';

const media = new Map([
  ['m1', { id: 'm1', kind: 'video', audio_codec: 'aac', duration: 10 }],
  ['silent', { id: 'silent', kind: 'video', audio_codec: null, duration: 10 }],
]);
const kinds = new Map([...media].map(([id, m]) => [id, m.kind]));

// V1: v [2,6) of m1 (in 1..5, volume 0.8), s [7,9) of a silent video; A1: busy [0,3)
function doc() {
  return {
    version: 2, fps: 25, width: 1280, height: 720, playhead: 0, zoom: 50,
    tracks: [
      { id: 'v1', kind: 'video', muted: false, hidden: false, clips: [
        { id: 'v', media_id: 'm1', start: 2, in: 1, out: 5, volume: 0.8 },
        { id: 's', media_id: 'silent', start: 7, in: 0, out: 2 }] },
      { id: 'a1', kind: 'audio', muted: false, hidden: false, clips: [{ id: 'busy', media_id: 'm1', start: 0, in: 0, out: 3 }] },
      { id: 'a2', kind: 'audio', muted: false, hidden: false, clips: [] },
    ],
  };
}

test('detach: the sound goes to the first audio track with room, linked; the video clip is muted', () => {
  const d = doc();
  assert.equal(canDetach(d, 'v', media), true);
  assert.equal(canDetach(d, 's', media), false, 'no sound to detach');
  assert.equal(canDetach(d, 'busy', media), false, 'an audio clip is already sound');
  const { doc: out, clip } = detachAudio(d, 'v', media, 'L1');
  assert.deepEqual(clip, { id: clip.id, media_id: 'm1', start: 2, in: 1, out: 5, link: 'L1', volume: 0.8 });
  assert.equal(findClip(out, clip.id).track.id, 'a2', 'A1 is taken at 2..3');
  const v = findClip(out, 'v').clip;
  assert.equal(v.link, 'L1');
  assert.equal(v.audio_detached, true);
  assert.equal(canDetach(out, 'v', media), false, 'not twice');
  assert.equal(d.tracks[0].clips[0].link, undefined, 'the original document is untouched');
  // the preview hears the detached sound once: from the audio clip, not from the video clip
  const heard = soundsAt(out, kinds, 3).map((s) => s.clip.id);
  assert.deepEqual(heard, [clip.id]);
});

test('detach adds an audio track when none has room', () => {
  const d = doc();
  d.tracks = d.tracks.filter((t) => t.id !== 'a2');
  const { doc: out, clip } = detachAudio(d, 'v', media, 'L1');
  const track = findClip(out, clip.id).track;
  assert.equal(track.kind, 'audio');
  assert.notEqual(track.id, 'a1');
  assert.equal(out.tracks.length, 3);
});

test('moving either linked clip moves both by the same amount; trimming is per clip', () => {
  const { doc: d, clip } = detachAudio(doc(), 'v', media, 'L1');
  const moved = moveClip(d, 'v', 'v1', 3.5); // 3.5..7.5 would overlap s at 7: it lands at 3, +1
  assert.equal(findClip(moved, 'v').clip.start, 3);
  assert.equal(findClip(moved, clip.id).clip.start, 3, 'its sound by the same amount');
  const back = moveClip(d, clip.id, 'a2', 10);
  assert.equal(findClip(back, clip.id).clip.start, 10);
  assert.equal(findClip(back, 'v').clip.start, 10);
  const earlier = moveClip(d, 'v', 'v1', 0);
  assert.equal(findClip(earlier, 'v').clip.start, 0);
  assert.equal(findClip(earlier, clip.id).clip.start, 0);
  const trimmed = trimEnd(d, clip.id, 4, 10);
  assert.equal(findClip(trimmed, clip.id).clip.out, 3);
  assert.equal(findClip(trimmed, 'v').clip.out, 5, 'the video clip keeps its length');
});

test('a move is refused, both left where they were, when the partner has no room', () => {
  const { doc: d, clip } = detachAudio(doc(), 'v', media, 'L1');
  // fill A2 at 12..14: moving v to 10 would need its sound at 10..14
  findClip(d, clip.id).track.clips.push({ id: 'wall', media_id: 'm1', start: 12, in: 0, out: 2 });
  const out = moveClip(d, 'v', 'v1', 10);
  assert.equal(out, d);
  assert.equal(findClip(out, 'v').clip.start, 2);
  assert.equal(findClip(out, clip.id).clip.start, 2);
});

test('unlink removes the link from both and keeps audio_detached', () => {
  const { doc: d, clip } = detachAudio(doc(), 'v', media, 'L1');
  assert.equal(isLinked(d, clip.id), true);
  const out = unlink(d, clip.id);
  assert.equal(findClip(out, 'v').clip.link, undefined);
  assert.equal(findClip(out, clip.id).clip.link, undefined);
  assert.equal(findClip(out, 'v').clip.audio_detached, true, 'the sound is not doubled');
  assert.equal(unlink(out, 'v'), out, 'nothing to unlink');
  const moved = moveClip(out, 'v', 'v1', 10);
  assert.equal(findClip(moved, 'v').clip.start, 10);
  assert.equal(findClip(moved, clip.id).clip.start, 2, 'unlinked clips move on their own');
});

test('deleting one linked clip leaves the other, without its link', () => {
  const { doc: d, clip } = detachAudio(doc(), 'v', media, 'L1');
  const noSound = deleteClips(d, [clip.id]);
  assert.equal(findClip(noSound, clip.id), null);
  assert.equal(findClip(noSound, 'v').clip.link, undefined);
  assert.equal(findClip(noSound, 'v').clip.audio_detached, true);
  const noVideo = deleteClips(d, ['v']);
  assert.equal(findClip(noVideo, clip.id).clip.link, undefined);
  const noMedia = removeMedia(d, ['silent']);
  assert.equal(findClip(noMedia, 'v').clip.link, 'L1', 'an unrelated removal keeps the link');
});

test('a split keeps the link on the left part only', () => {
  const { doc: d } = detachAudio(doc(), 'v', media, 'L1');
  const out = splitAt(d, ['v'], 4);
  const parts = out.tracks[0].clips.filter((c) => c.media_id === 'm1');
  assert.deepEqual(parts.map((c) => c.link), ['L1', undefined]);
});
