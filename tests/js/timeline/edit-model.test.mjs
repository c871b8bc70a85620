import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addTextClip, addTrack, deleteClips, dropClip, findClip, fitOnTrack, moveClip, removeMedia, removeTrack, snap,
  snapPoints, splitAt, trimEnd, trimStart,
} from '../../../web/js/timeline/edit-model.js';

// V1: a [0,4) from media m1 (10 s long, in 2..6), b [6,8); V2: c [1,3)
function doc() {
  return {
    version: 1, fps: 25, width: 1280, height: 720, playhead: 0, zoom: 50,
    tracks: [
      { id: 'v1', kind: 'video', muted: false, hidden: false, clips: [
        { id: 'a', media_id: 'm1', start: 0, in: 2, out: 6 },
        { id: 'b', media_id: 'm2', start: 6, in: 0, out: 2 }] },
      { id: 'v2', kind: 'video', muted: false, hidden: false, clips: [{ id: 'c', media_id: 'm3', start: 1, in: 0, out: 2 }] },
      { id: 'a1', kind: 'audio', muted: false, hidden: false, clips: [] },
    ],
  };
}

test('moving within a track and to another track; never onto another clip', () => {
  const d = doc();
  assert.equal(findClip(moveClip(d, 'b', 'v1', 9), 'b').clip.start, 9);
  const moved = moveClip(d, 'c', 'v1', 4.5); // fits in the 4..6 gap? no: 2 s long, gap is 2 s
  assert.equal(findClip(moved, 'c').track.id, 'v1');
  assert.equal(findClip(moved, 'c').clip.start, 4);
  const pushed = moveClip(d, 'b', 'v1', 1); // would overlap a: lands at the nearest free place
  assert.equal(findClip(pushed, 'b').clip.start, 4);
  assert.equal(d.tracks[0].clips.length, 2, 'the original document is untouched');
});

test('fitOnTrack finds the nearest free slot or none', () => {
  const track = doc().tracks[0];
  assert.equal(fitOnTrack(track, 4.2, 1), 4.2);
  assert.equal(fitOnTrack(track, 3, 1), 4);
  assert.equal(fitOnTrack(track, 5, 3), 8);
});

test('trimming the start moves the media in-point and stops at the media start and neighbours', () => {
  const d = doc();
  const t = findClip(trimStart(d, 'a', 1), 'a').clip;
  assert.deepEqual([t.start, t.in, t.out], [1, 3, 6]);
  const clamped = findClip(trimStart(trimStart(d, 'a', 1), 'a', -5), 'a').clip;
  assert.deepEqual([clamped.start, clamped.in], [0, 2]);
  const b = findClip(trimStart(d, 'b', 2), 'b').clip; // b's media starts at 0: cannot grow left
  assert.equal(b.start, 6);
});

test('trimming the end stops at the media end and at the next clip', () => {
  const d = doc();
  assert.equal(findClip(trimEnd(d, 'a', 5.5, 10), 'a').clip.out, 7.5);
  assert.equal(findClip(trimEnd(d, 'a', 7, 10), 'a').clip.out, 8, 'stops where the next clip starts (6)');
  const short = findClip(trimEnd(d, 'a', 2, 10), 'a').clip;
  assert.deepEqual([short.start, short.out], [0, 4]);
  const b = findClip(trimEnd(d, 'b', 30, 3), 'b').clip; // media is 3 s long
  assert.equal(b.out, 3);
  const tiny = findClip(trimEnd(d, 'b', 0, 3), 'b').clip;
  assert.ok(tiny.out - tiny.in >= 0.1 - 1e-9);
});

test('split at the playhead makes two clips that play the same media', () => {
  const d = splitAt(doc(), ['a', 'c'], 2);
  const v1 = d.tracks[0].clips;
  assert.equal(v1.length, 3);
  assert.deepEqual([v1[0].start, v1[0].in, v1[0].out], [0, 2, 4]);
  assert.deepEqual([v1[1].start, v1[1].in, v1[1].out], [2, 4, 6]);
  assert.notEqual(v1[1].id, 'a');
  assert.equal(d.tracks[1].clips.length, 2);
  const d0 = doc();
  assert.equal(splitAt(d0, ['b'], 2), d0, 'a playhead outside the clip changes nothing');
  const ph = { version: 2, tracks: [{ id: 'v', kind: 'video', clips: [
    { id: 'p', start: 0, duration: 4, placeholder: { job_id: 'j', model_id: 'm', status: 'running' } }] }] };
  assert.equal(splitAt(ph, ['p'], 2), ph, 'a clip still being generated is not split');
});

test('delete, tracks and text clips', () => {
  assert.deepEqual(deleteClips(doc(), ['a', 'c']).tracks.map((t) => t.clips.length), [1, 0, 0]);
  const more = addTrack(doc(), 'video');
  assert.equal(more.tracks.length, 4);
  assert.equal(removeTrack(more, more.tracks[3].id).tracks.length, 3);
  // a new video track goes above the other video tracks and every audio track; audio at the bottom
  const before = doc().tracks.map((t) => t.kind);
  assert.deepEqual(more.tracks.map((t) => t.kind), ['video', ...before]);
  assert.equal(more.tracks[0].name, `V${before.filter((k) => k === 'video').length + 1}`);
  const withText = addTrack(addTrack(doc(), 'text'), 'video');
  assert.deepEqual(withText.tracks.map((t) => t.kind).slice(0, 2), ['text', 'video']);
  assert.equal(addTrack(doc(), 'audio').tracks.at(-1).kind, 'audio');
  const { doc: titled, clip } = addTextClip(doc(), 1.5, 'Hello');
  assert.equal(titled.tracks[0].kind, 'text');
  assert.deepEqual([clip.start, clip.duration, clip.text], [1.5, 3, 'Hello']);
});

test('snapping to clip edges and the playhead, with a guide', () => {
  const points = snapPoints(doc(), ['b'], 5);
  assert.deepEqual(snap(3.93, points, 0.1), { time: 4, guide: 4 });
  assert.deepEqual(snap(5.05, points, 0.1), { time: 5, guide: 5 });
  assert.deepEqual(snap(4.5, points, 0.1), { time: 4.5, guide: null });
});

test('a drop lands at the drop point when free, else in the nearest free slot', () => {
  const video = { id: 'm9', kind: 'video', duration: 1.5 };
  const free = dropClip(doc(), 'v1', video, 4.2, 'new');
  assert.deepEqual(free.clip, { id: 'new', media_id: 'm9', start: 4.2, in: 0, out: 1.5 });
  assert.equal(dropClip(doc(), 'v1', video, 3).clip.start, 4);
  assert.equal(dropClip(doc(), 'v1', { id: 'i', kind: 'image', duration: null }, 1).clip.start, 8);
  assert.equal(dropClip(doc(), 'v1', video, -3).clip.start, 4);
  assert.equal(dropClip(doc(), 'nope', video, 1), null);
});

const mediaIds = (d) => d.tracks.flatMap((t) => t.clips.map((c) => c.media_id));

test('removing deleted media takes its clips off every track and leaves other documents alone', () => {
  const d = doc();
  const without = removeMedia(d, ['m1', 'm3']);
  assert.deepEqual(mediaIds(without), ['m2']);
  assert.deepEqual(mediaIds(d), ['m1', 'm2', 'm3'], 'the original document is untouched');
  assert.equal(removeMedia(d, ['m9']), d, 'no clip of it: the same document');
});

test('a caption line stays on captions tracks, and media is not dropped on one', () => {
  const d = doc();
  d.version = 2;
  d.tracks.unshift({ id: 'cc', name: 'Captions', kind: 'captions', muted: false, hidden: false, style: {},
    clips: [{ id: 'l1', start: 0, duration: 1, text: 'Hello' }] });
  d.tracks.unshift({ id: 'cc2', name: 'More', kind: 'captions', muted: false, hidden: false, style: {}, clips: [] });
  const videoTrack = d.tracks.find((t) => t.kind === 'video');
  assert.equal(moveClip(d, 'l1', videoTrack.id, 20), d);
  const moved = moveClip(d, 'l1', 'cc2', 5);
  assert.deepEqual(moved.tracks[0].clips, [{ id: 'l1', start: 5, duration: 1, text: 'Hello' }]);
  assert.equal(moveClip(d, 'a', 'cc', 20), d);
  assert.equal(dropClip(d, 'cc', { id: 'm1', kind: 'video', duration: 10 }, 30, 'x'), null);
});

test('an offline clip is trimmed and split as a media clip: by in and out, never given a duration', async () => {
  const { trimEnd: te, splitAt: sp } = await import('../../../web/js/timeline/edit-model.js');
  const d = { version: 2, fps: 25, width: 640, height: 360, tracks: [
    { id: 'V1', kind: 'video', clips: [{ id: 'o', offline: { name: 'fox.mp4' }, start: 2, in: 1, out: 3 }] }] };
  const trimmed = te(d, 'o', 3.5, Infinity).tracks[0].clips[0];
  assert.deepEqual([trimmed.in, trimmed.out, trimmed.duration], [1, 2.5, undefined]);
  const [left, right] = sp(d, ['o'], 3).tracks[0].clips;
  assert.deepEqual([left.out, right.in, right.start, right.offline], [2, 2, 3, { name: 'fox.mp4' }]);
});
