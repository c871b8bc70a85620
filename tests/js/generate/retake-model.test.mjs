import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { retakeBadge, retakeSpan, retakeUnder, retakesByClip } from '../../../web/js/generate/retake-model.js';

// the registry as the server sends it
const { models } = JSON.parse(readFileSync(new URL('../../../desktop/reelcut/generation/models.json', import.meta.url)));
const LTX = 'fal-ai/ltx-2.3/retake-video';
const ltxName = models.find((m) => m.id === LTX).name;

let n = 0;
const job = (over) => {
  n += 1;
  return {
    id: `job-${n}`, model_id: LTX, status: 'generating', progress: 0.25, message: '', error: null, queue_position: null,
    created_at: `2026-12-07T10:00:${String(n).padStart(2, '0')}`, params: { start_time: 1, duration: 2 }, retake_clip_id: 'a', ...over,
  };
};

test('only retake jobs show, on the clip each names', () => {
  const a = job({ retake_clip_id: 'a' });
  const b = job({ retake_clip_id: 'b', status: 'queued' });
  const shown = retakesByClip([a, b, job({ retake_clip_id: null }), job({ retake_clip_id: undefined }), job({ retake_clip_id: '' })]);
  assert.deepEqual([...shown.keys()].sort(), ['a', 'b']);
  assert.equal(shown.get('a').job, a);
  assert.equal(shown.get('b').job, b);
});

test('a running retake wins over an older failure, and counts the ones under way', () => {
  const failedNewer = job({ status: 'failed' });
  const older = job({ status: 'generating' });
  const newest = job({ status: 'queued' });
  const shown = retakesByClip([older, failedNewer, newest]).get('a');
  assert.equal(shown.job, newest);
  assert.equal(shown.running, 2);
  assert.match(retakeBadge(shown, { start: 0, in: 0, out: 4 }, models).text, /\(2 retakes\)/);
});

test('with none running, the newest failure stays on the clip; done or cancelled newest shows nothing', () => {
  const done = job({ status: 'done' });
  const failed = job({ status: 'failed' });
  assert.equal(retakesByClip([failed, done]).get('a').job, failed); // newer than the done one
  assert.equal(retakesByClip([failed, job({ status: 'done' })]).has('a'), false); // a later retake switched the clip
  assert.equal(retakesByClip([failed, job({ status: 'cancelled' })]).has('a'), false); // the user stopped a later one
  assert.equal(retakesByClip([job({ status: 'cancelled' })]).size, 0);
});

test('the badge while it runs: progress, percentage and the model\'s name', () => {
  const clip = { id: 'a', start: 5, in: 0.5, out: 4.5 };
  const b = retakeBadge({ job: job({ progress: 0.426 }), running: 1 }, clip, models);
  assert.equal(b.status, 'running');
  assert.equal(b.progress, 0.426);
  assert.equal(b.model, ltxName);
  assert.equal(b.text, `Retaking 43% · ${ltxName}`);
  // queued: no progress to show yet, the place in fal's queue when known
  const q = retakeBadge({ job: job({ status: 'queued', progress: 0, queue_position: 3 }) }, clip, models);
  assert.equal(q.progress, null);
  assert.equal(q.text, `Retake queued, position 3 · ${ltxName}`);
  // an unknown model is named by its id; a progress out of range is held to 0..1
  const u = retakeBadge({ job: job({ model_id: 'x/unknown', progress: 7 }) }, clip, []);
  assert.equal(u.text, 'Retaking 100% · x/unknown');
});

test('the badge of a failure says the job\'s own reason', () => {
  const clip = { id: 'a', start: 0, in: 0, out: 4 };
  const withError = retakeBadge({ job: job({ status: 'failed', error: { code: 'provider_error', message: 'fal.ai refused the video.' }, message: 'Failed' }) }, clip, models);
  assert.deepEqual([withError.status, withError.text, withError.progress], ['failed', 'Retake failed: fal.ai refused the video.', null]);
  const withMessage = retakeBadge({ job: job({ status: 'failed', message: 'Out of disk space.' }) }, clip, models);
  assert.equal(withMessage.text, 'Retake failed: Out of disk space.');
  assert.equal(retakeBadge({ job: job({ status: 'failed', message: '' }) }, clip, models).text, 'Retake failed: the generation failed');
});

test('the remade range lies where it plays on the clip, through its in point and speed', () => {
  // the clip plays the source 0.5–4.5 s; the retake remakes the source's 1.5–2.5 s: the clip's 1/4–2/4
  const clip = { start: 10, in: 0.5, out: 4.5 };
  assert.deepEqual(retakeSpan(job({ params: { start_time: 1.5, duration: 1 } }), clip), { from: 0.25, to: 0.5 });
  // at double speed the clip lasts 2 s: the same source range is its 0.5–1 s
  assert.deepEqual(retakeSpan(job({ params: { start_time: 1.5, duration: 1 } }), { ...clip, speed: 2 }), { from: 0.25, to: 0.5 });
  // the whole clip
  assert.deepEqual(retakeSpan(job({ params: { start_time: 0.5, duration: 4 } }), clip), { from: 0, to: 1 });
  // trimmed meanwhile: held to what the clip still shows, or none of it
  assert.deepEqual(retakeSpan(job({ params: { start_time: 0, duration: 1.5 } }), clip), { from: 0, to: 0.25 });
  assert.equal(retakeSpan(job({ params: { start_time: 5, duration: 1 } }), clip), null);
  assert.equal(retakeSpan(job({ params: {} }), clip), null);
  assert.equal(retakeSpan(job({}), null), null);
});

test('the preview names the retake of the topmost clip under the playhead', () => {
  const doc = {
    tracks: [
      { id: 'v2', kind: 'video', clips: [{ id: 'top', start: 2, in: 0, out: 2 }] },
      { id: 'v1', kind: 'video', clips: [{ id: 'a', start: 0, in: 0, out: 5 }, { id: 'b', start: 5, in: 0, out: 5 }] },
      { id: 'a1', kind: 'audio', clips: [{ id: 'sound', start: 0, in: 0, out: 10 }] },
    ],
  };
  const retakes = retakesByClip([job({ retake_clip_id: 'a' }), job({ retake_clip_id: 'top', status: 'failed' }), job({ retake_clip_id: 'sound' })]);
  assert.equal(retakeUnder(doc, 1, retakes).clip.id, 'a');
  assert.equal(retakeUnder(doc, 3, retakes).clip.id, 'top'); // drawn over a
  assert.equal(retakeUnder(doc, 4.5, retakes).clip.id, 'a'); // top ends at 4
  assert.equal(retakeUnder(doc, 5, retakes), null); // b has none; a ends where b starts
  assert.equal(retakeUnder({ tracks: [{ ...doc.tracks[0], hidden: true }, doc.tracks[1]] }, 3, retakes).clip.id, 'a');
  assert.equal(retakeUnder(doc, 1, new Map()), null);
  assert.equal(retakeUnder(null, 1, retakes), null);
});
