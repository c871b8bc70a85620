import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  clipPrompt, continuesVideo, extendCost, extendModels, fillModels, fillPlan, gapAt, gapUnderPlayhead, herePlan, mediaClipProblem, mediaCost,
  placeholderLabel, retakeModels, retakePlan, retakeRange, snapDuration, soundModels, spotAt, spotUnderPlayhead, textModels,
  upscaleModels, voiceModels,
} from '../../../web/js/generate/from-timeline-model.js';

// the registry as the server sends it
const { models } = JSON.parse(readFileSync(new URL('../../../desktop/reelcut/generation/models.json', import.meta.url)));
const byId = (id) => models.find((m) => m.id === id);

test('Extend offers image-to-video models and Fill first/last-frame ones', () => {
  const extend = extendModels(models).map((m) => m.id);
  const fill = fillModels(models).map((m) => m.id);
  assert.ok(extend.includes('local/preview-i2v') && extend.includes('fal-ai/ltx-2.3/image-to-video'));
  assert.ok(!extend.includes('local/preview-t2v') && !extend.includes('fal-ai/veo3.1/first-last-frame-to-video'));
  assert.ok(!extend.includes('local/preview-flf'));
  assert.ok(fill.includes('local/preview-flf') && fill.includes('fal-ai/veo3.1/first-last-frame-to-video'));
  assert.ok(fill.includes('fal-ai/ltx-2.3/image-to-video')); // it takes an end frame too
  assert.ok(!fill.includes('local/preview-i2v'));
});

test('Extend of a video clip also offers extend-video, which continues the video itself; never a retake, sound or upscale', () => {
  const ids = (list) => list.map((m) => m.id);
  const extend = extendModels(models);
  assert.ok(ids(extend).includes('fal-ai/ltx-2.3/extend-video') && continuesVideo(byId('fal-ai/ltx-2.3/extend-video')));
  assert.ok(!continuesVideo(byId('fal-ai/ltx-2.3/image-to-video')));
  for (const m of models.filter((x) => retakeModels(models).includes(x) || x.task === 'upscale' || x.output === 'audio')) {
    assert.ok(!ids(extend).includes(m.id), m.id);
  }
  // an image clip has no video to continue
  assert.ok(!ids(extendModels(models, { video: false })).includes('fal-ai/ltx-2.3/extend-video'));
  assert.ok(ids(extendModels(models, { video: false })).includes('local/preview-i2v'));
});

test('snapping matches the server: nearest length, a tie to the shorter, typed as the model wants', () => {
  const veo = byId('fal-ai/veo3.1/first-last-frame-to-video');
  assert.deepEqual(snapDuration(veo, 5.2), { value: '6s', seconds: 6 });
  assert.deepEqual(snapDuration(veo, 5), { value: '4s', seconds: 4 });
  assert.deepEqual(snapDuration(byId('local/preview-flf'), 7.9), { value: 8, seconds: 8 });
  assert.deepEqual(snapDuration(byId('local/preview-i2v'), 3.4), { value: 3, seconds: 3 });
});

test('the cost is shown before anything runs: Fill prices the snapped length', () => {
  const veo = byId('fal-ai/veo3.1/first-last-frame-to-video');
  assert.deepEqual(fillPlan(veo, 5.2), { cost: 0.4 * 6, seconds: 6, snapped: true });
  assert.deepEqual(fillPlan(byId('local/preview-flf'), 4), { cost: 0, seconds: 4, snapped: false });
  assert.equal(extendCost(byId('fal-ai/ltx-2.3/image-to-video')), 0.06 * 6);
});

const track = {
  id: 'v1', kind: 'video', clips: [
    { id: 'a', media_id: 'm', start: 0, in: 0, out: 2 },
    { id: 'b', media_id: 'm', start: 5, in: 0, out: 1 },
  ],
};

test('the gap under the playhead lies between two media clips of a video track', () => {
  assert.deepEqual(gapAt(track, 3), { trackId: 'v1', start: 2, end: 5 });
  assert.deepEqual(gapAt(track, 2), { trackId: 'v1', start: 2, end: 5 });
  assert.equal(gapAt(track, 1), null); // inside a clip
  assert.equal(gapAt(track, 7), null); // after the last clip: nothing on the right
  assert.equal(gapAt({ ...track, kind: 'audio' }, 3), null);
  const doc = { tracks: [{ id: 'v2', kind: 'video', clips: [] }, track] };
  assert.deepEqual(gapUnderPlayhead(doc, 3), { trackId: 'v1', start: 2, end: 5 });
  assert.equal(gapUnderPlayhead(doc, 9), null);
});

test('a placeholder says what its job is doing, or why it stopped', () => {
  const clip = (status, reason) => ({ placeholder: { job_id: 'j', model_id: 'm', status, reason } });
  assert.equal(placeholderLabel(clip('running'), { progress: 0.42 }), 'Generating… 42%');
  assert.equal(placeholderLabel(clip('running'), undefined), 'Generating…');
  assert.equal(placeholderLabel(clip('failed', 'No key'), null), 'Failed: No key');
  assert.equal(placeholderLabel(clip('cancelled'), null), 'Cancelled');
  assert.equal(clipPrompt({ source: { type: 'generation', prompt: 'a comet' } }), 'a comet');
  assert.equal(clipPrompt({ source: { type: 'import' } }), '');
});

test('Voice-over, Add sound and Upscale each offer their own models, an offline one first', () => {
  assert.deepEqual(voiceModels(models).map((m) => m.id), ['local/voice', 'fal-ai/elevenlabs/tts/eleven-v3']);
  assert.deepEqual(soundModels(models).map((m) => m.id), ['local/sound-bed', 'fal-ai/mmaudio-v2']);
  assert.deepEqual(upscaleModels(models).map((m) => m.id), ['local/upscale', 'fal-ai/bytedance-upscaler/upscale/video']);
  // no video model slips in: LTX extend-video is a video-to-video model, not an upscaler
  assert.ok(!upscaleModels(models).some((m) => m.id.includes('ltx')));
});

test('the cost shown follows the clip\'s media length where the model bills by it', () => {
  assert.equal(mediaCost(byId('local/upscale'), 12), 0);
  // ByteDance: $0.0072 a second at 1080p 30 fps, for the whole 10 s source
  assert.ok(Math.abs(mediaCost(byId('fal-ai/bytedance-upscaler/upscale/video'), 10) - 0.072) < 1e-9);
  assert.ok(Math.abs(mediaCost(byId('fal-ai/mmaudio-v2'), 4) - 0.004) < 1e-9); // not its 8 s default
  assert.equal(mediaCost(byId('fal-ai/elevenlabs/tts/eleven-v3'), 0), 0.1);
});

test('Add sound and Upscale say why a clip does not fit', () => {
  const video = { track: { kind: 'video' }, clip: { id: 'c', media_id: 'm' } };
  const silent = { id: 'm', kind: 'video', audio_codec: null };
  assert.equal(mediaClipProblem(video, silent, 'Add sound'), null);
  assert.equal(mediaClipProblem(video, { ...silent, audio_codec: 'aac' }, 'Add sound'),
    'This clip has sound already: Add sound is for silent clips.');
  assert.equal(mediaClipProblem(video, { ...silent, audio_codec: 'aac' }, 'Upscale'), null);
  assert.equal(mediaClipProblem(null, null, 'Upscale'), 'Select one video clip for Upscale.');
  assert.equal(mediaClipProblem(video, { id: 'm', kind: 'image' }, 'Upscale'), 'Select one video clip for Upscale.');
});

test('Generate here offers text-to-video models only', () => {
  const ids = textModels(models).map((m) => m.id);
  assert.ok(ids.includes('local/preview-t2v') && ids.includes('fal-ai/ltx-2.3/text-to-video'));
  assert.ok(!ids.includes('local/preview-i2v') && !ids.includes('local/preview-flf'));
  // voice and image models take a text prompt too, but make no clip for a video track
  assert.ok(!ids.includes('local/voice') && !ids.includes('local/preview-image') && !ids.includes('fal-ai/flux/dev'));
});

test('the spot under the playhead is an empty stretch of a video track, with the room before the next clip', () => {
  const c = (id, start, out) => ({ id, media_id: 'm', start, in: 0, out });
  const doc = { tracks: [
    { id: 'a1', kind: 'audio', clips: [] },
    { id: 'v2', kind: 'video', clips: [c('z', 1, 1)] },
    { id: 'v1', kind: 'video', clips: [c('x', 0, 2), c('y', 5, 1)] },
  ] };
  assert.deepEqual(spotUnderPlayhead(doc, 3), { trackId: 'v1', at: 3, room: 2 });
  assert.deepEqual(spotUnderPlayhead(doc, 2), { trackId: 'v1', at: 2, room: 3 }); // right at a clip's end
  assert.equal(spotUnderPlayhead(doc, 1), null); // inside x
  assert.equal(spotUnderPlayhead(doc, 5), null); // at y's start: no room
  assert.deepEqual(spotUnderPlayhead(doc, 7), { trackId: 'v1', at: 7, room: null });
  // the selected clip's track wins over the main (lowest) video track
  assert.deepEqual(spotUnderPlayhead(doc, 3, ['z']), { trackId: 'v2', at: 3, room: null });
  assert.equal(spotUnderPlayhead(doc, 1.5, ['z']), null);
  assert.equal(spotAt(doc.tracks[0], 3), null); // not a video track
  assert.equal(spotUnderPlayhead({ tracks: [doc.tracks[0]] }, 3), null); // no video track
  assert.equal(spotUnderPlayhead(null, 3), null);
});

test('Generate here makes the model\'s default length when it fits, else the longest that does', () => {
  const t2v = byId('local/preview-t2v');
  const dflt = Number(t2v.params.find((p) => p.name === 'duration').default);
  assert.deepEqual(herePlan(t2v, null), { ...herePlan(t2v, null), seconds: dflt, shortened: false, fits: true, value: undefined });
  const short = herePlan(t2v, 2.5);
  assert.equal(short.fits, true);
  assert.equal(short.shortened, dflt > 2.5);
  if (dflt > 2.5) assert.deepEqual([short.value, short.seconds], [2, 2]);
  const veo = byId('fal-ai/veo3.1'); // 4s, 6s, 8s
  const veoPlan = herePlan(veo, 6.5);
  assert.ok(veoPlan.seconds <= 6.5 && veoPlan.fits);
  assert.equal(herePlan(veo, 1).fits, false); // its shortest is 4 s
  assert.ok(herePlan(veo, 6.5).cost <= herePlan(veo, null).cost);
});

test('Retake offers the retake models only', () => {
  assert.deepEqual(retakeModels(models).map((m) => m.id).sort(), ['fal-ai/ltx-2.3/retake-video', 'local/preview-retake']);
});

test('Retake takes the In/Out marks inside the clip, else its edges; nothing when the marks miss it', () => {
  const c = { id: 'a', media_id: 'm', start: 1, in: 0.25, out: 2.75 }; // 1–3.5 s on the timeline
  assert.deepEqual(retakeRange(c, { in: 2, out: 2.5 }), { start: 2, end: 2.5 });
  assert.deepEqual(retakeRange(c, { in: null, out: null }), { start: 1, end: 3.5 });
  assert.deepEqual(retakeRange(c, { in: 0, out: 2 }), { start: 1, end: 2 });
  assert.deepEqual(retakeRange(c, { in: 3, out: null }), { start: 3, end: 3.5 });
  assert.equal(retakeRange(c, { in: 4, out: 5 }), null);
});

test('Retake is priced on the source seconds before it runs, and a range the model cannot take says why', () => {
  const c = { id: 'a', media_id: 'm', start: 1, in: 0.5, out: 3, speed: 1 };
  const ltx = byId('fal-ai/ltx-2.3/retake-video');
  const plan = retakePlan(ltx, c, { start: 1.5, end: 3.5 });
  assert.equal(plan.startTime, 1);
  assert.equal(plan.seconds, 2);
  assert.ok(Math.abs(plan.cost - 0.2) < 1e-9 && plan.fits && plan.why === '');
  const short = retakePlan(ltx, c, { start: 1.5, end: 2 });
  assert.equal(short.fits, false);
  assert.match(short.why, /at least 2 s/);
  const offline = retakePlan(byId('local/preview-retake'), c, { start: 1.5, end: 2 });
  assert.deepEqual([offline.cost, offline.fits], [0, true]);
  // at double speed the range covers twice the source
  assert.equal(retakePlan(ltx, { ...c, speed: 2 }, { start: 1.5, end: 2.5 }).seconds, 2);
});
