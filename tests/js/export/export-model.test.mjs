// The export dialog's logic: presets filling in the choices, what the user changes, the range
// between the In and Out points, what is remembered, how sizes read, and the history's rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  aspectQuestion, bytesLabel, captionModes, changedFields, choose, estimateLabel, historyRow, isStale, presetFill,
  rangeProblem, resolutionOptions, restore, seconds, setMark, settingsOf,
} from '../../../web/js/export/export-model.js';

// the shape of GET /api/export/formats (render/export_formats.json), cut down
const FORMATS = {
  formats: [
    { id: 'mp4_h264', label: 'MP4 (H.264 / AAC)', video: 'H.264', audio: 'AAC', qualities: { high: 'High', medium: 'Medium', small: 'Small' }, available: true },
    { id: 'webm_vp9', label: 'WebM (VP9 / Opus)', video: 'VP9', audio: 'Opus', qualities: { high: 'High', medium: 'Medium', small: 'Small' }, available: true },
    { id: 'mp4_h265', label: 'MP4 (H.265 / AAC)', video: 'H.265', audio: 'AAC', qualities: {}, available: false, unavailable_reason: 'the bundled ffmpeg has no libx265 encoder' },
    { id: 'wav', label: 'WAV', video: null, audio: 'PCM', qualities: {}, available: true },
  ],
  presets: [
    { id: 'vertical_1080x1920', label: 'TikTok', settings: { format: 'mp4_h264', resolution: '1080x1920', quality: 'high' } },
    { id: 'master_prores', label: 'Master', settings: { format: 'mov_prores', resolution: 'canvas', quality: 'medium' } },
  ],
  resolutions: ['canvas', '2160p', '1080p', '720p'],
  frame_rates: ['canvas', 24, 30],
  qualities: ['high', 'medium', 'small'],
  default: { format: 'mp4_h264', resolution: 'canvas', fps: 'canvas', quality: 'medium', range: 'whole' },
};

test('the default fills the form; a preset fills in its fields over it', () => {
  assert.deepEqual(presetFill(FORMATS), { preset: '', format: 'mp4_h264', resolution: 'canvas', fps: 'canvas', quality: 'medium', range: 'whole' });
  const tiktok = presetFill(FORMATS, 'vertical_1080x1920');
  assert.deepEqual([tiktok.preset, tiktok.resolution, tiktok.quality, tiktok.fps], ['vertical_1080x1920', '1080x1920', 'high', 'canvas']);
  assert.equal(presetFill(FORMATS, 'nope').preset, '', 'an unknown preset is none');
});

test('choosing a preset keeps the range; changing one of its fields makes the choices custom', () => {
  let form = { ...presetFill(FORMATS), range: 'inout' };
  form = choose(FORMATS, form, 'preset', 'vertical_1080x1920');
  assert.equal(form.range, 'inout');
  assert.equal(form.resolution, '1080x1920');
  // the preset's own value again: still the preset
  assert.equal(choose(FORMATS, form, 'quality', 'high').preset, 'vertical_1080x1920');
  const custom = choose(FORMATS, form, 'quality', 'small');
  assert.deepEqual([custom.preset, custom.quality, custom.resolution], ['', 'small', '1080x1920']);
  // the range is not a preset's: changing it keeps the preset
  assert.equal(choose(FORMATS, form, 'range', 'whole').preset, 'vertical_1080x1920');
  assert.deepEqual(changedFields(form, custom), ['preset', 'quality']);
  assert.deepEqual(changedFields(form, { ...form }), []);
});

test('the settings sent: numbers for a rate, the marks for In to Out, captions only when offered', () => {
  const form = { ...presetFill(FORMATS), format: 'webm_vp9', resolution: '720p', fps: '30', quality: 'small', range: 'inout' };
  assert.deepEqual(settingsOf(form, { in: 0.5, out: 1.5 }),
    { format: 'webm_vp9', resolution: '720p', fps: 30, quality: 'small', range: { in: 0.5, out: 1.5 } });
  assert.equal(settingsOf({ ...form, range: 'whole' }, { in: 0.5, out: 1.5 }).range, 'whole');
  assert.equal(settingsOf(presetFill(FORMATS, 'vertical_1080x1920'), {}).preset, 'vertical_1080x1920');
  assert.equal('captions' in settingsOf(form, {}), false);
  const withCaptions = { ...FORMATS, captions_modes: ['burn', 'sidecar', 'soft', 'none'], default: { ...FORMATS.default, captions: 'none' } };
  const filled = presetFill(withCaptions);
  assert.equal(filled.captions, 'none');
  assert.equal(settingsOf({ ...filled, captions: 'burn' }, {}).captions, 'burn');
  assert.deepEqual(captionModes({ captions_modes: [{ id: 'burn', label: 'Burn in' }, 'soft'] }).map((m) => m.label), ['Burn in', 'Soft subtitle stream']);
  assert.deepEqual(captionModes(FORMATS), []);
});

test('In to Out needs both points, In before Out, Out within the timeline', () => {
  assert.equal(rangeProblem('whole', { in: null, out: null }, 10), '');
  assert.match(rangeProblem('inout', { in: null, out: 2 }, 10), /Set an In point \(I\) and an Out point \(O\)/);
  assert.match(rangeProblem('inout', { in: 3, out: 2 }, 10), /In point must be before the Out point/);
  assert.match(rangeProblem('inout', { in: 1, out: 12 }, 10), /Out point \(12\.0 s\) is after the timeline's end \(10\.0 s\)/);
  assert.equal(rangeProblem('inout', { in: 0.5, out: 1.5 }, 10), '');
});

test('I and O: a point past the other clears the other, never In after Out', () => {
  let m = setMark({ in: null, out: null }, 'in', 0.5);
  m = setMark(m, 'out', 1.5);
  assert.deepEqual(m, { in: 0.5, out: 1.5 });
  assert.deepEqual(setMark(m, 'in', 2), { in: 2, out: null });
  assert.deepEqual(setMark(m, 'out', 0.2), { in: null, out: 0.2 });
  assert.deepEqual(setMark(m, 'in', -1), { in: 0, out: 1.5 });
  assert.deepEqual(setMark(undefined, 'out', 1), { in: null, out: 1 });
  // on the nearest frame: fifteen steps of 1/30 s are 0.49999…, the mark is 0.5
  let t = 0;
  for (let i = 0; i < 15; i += 1) t += 1 / 30;
  assert.notEqual(t, 0.5);
  assert.equal(setMark(null, 'in', t, 30).in, 0.5);
});

test('a remembered form keeps only what the server still offers', () => {
  const saved = { preset: '', format: 'webm_vp9', resolution: '720p', fps: '30', quality: 'small', range: 'inout' };
  assert.deepEqual(restore(FORMATS, saved), saved);
  // an unavailable format, an unknown rate and a gone preset fall back to the default's
  const back = restore(FORMATS, { format: 'mp4_h265', fps: '29', preset: 'gone', resolution: 'huge', quality: 'x' });
  assert.deepEqual(back, presetFill(FORMATS));
  assert.deepEqual(restore(FORMATS, null), presetFill(FORMATS));
  assert.equal(restore(FORMATS, { resolution: '1080x1920' }).resolution, '1080x1920');
});

test('resolution choices add a preset frame, labelled as letterboxed', () => {
  assert.deepEqual(resolutionOptions(FORMATS, '720p').map((o) => o.value), ['canvas', '2160p', '1080p', '720p']);
  assert.deepEqual(resolutionOptions(FORMATS, '1080x1920').at(-1), { value: '1080x1920', label: '1080 × 1920 (letterboxed)' });
});

test('sizes and lengths read as a person writes them', () => {
  assert.equal(bytesLabel(512), '512 B');
  assert.equal(bytesLabel(1234), '1.2 kB');
  assert.equal(bytesLabel(1234567), '1.2 MB');
  assert.equal(bytesLabel(45600000), '46 MB');
  assert.equal(bytesLabel(3.2e9), '3.2 GB');
  assert.equal(bytesLabel(NaN), '');
  assert.equal(seconds(0.96), '1.0 s');
  assert.equal(seconds(75), '1:15');
  assert.equal(seconds(3725), '1:02:05');
  assert.equal(estimateLabel({ bytes: 1234567, duration: 10, width: 1280, height: 720, fps: 30 }), 'About 1.2 MB · 10.0 s · 1280 × 720 at 30 fps');
  assert.equal(estimateLabel({ bytes: 2000, duration: 2, width: null, height: null }), 'About 2.0 kB · 2.0 s');
});

test('the aspect question names both shapes and says it never stretches', () => {
  const q = aspectQuestion({ canvas: '16:9', output: '9:16', canvas_size: [1920, 1080], output_size: [1080, 1920] });
  assert.match(q, /1080 × 1920 \(9:16\).*1920 × 1080 \(16:9\).*letterbox.*never stretched/);
});

test('a history row: format, size, length, and marked when stale or its file is gone', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const exp = { id: 'e1', status: 'done', settings: { format: 'webm_vp9' }, size: 1234567, duration: 1, stale: true, file_exists: true,
    created_at: '2026-01-01T11:59:30Z' };
  const row = historyRow(exp, FORMATS, now);
  assert.deepEqual([row.when, row.format, row.size, row.duration, row.stale, row.missing, row.playable],
    ['just now', 'WebM (VP9 / Opus)', '1.2 MB', '1.0 s', true, false, true]);
  assert.equal(historyRow({ ...exp, settings: null }, FORMATS, now).format, 'MP4 (H.264 / AAC)', 'no settings: the default MP4');
  const gone = historyRow({ ...exp, file_exists: false }, FORMATS, now);
  assert.deepEqual([gone.missing, gone.playable, gone.downloadable], [true, false, false]);
  assert.equal(historyRow({ ...exp, settings: { format: 'wav' } }, FORMATS, now).playable, false, 'no picture: nothing to preview');
  assert.equal(historyRow({ ...exp, created_at: '2026-01-01T11:30:00Z' }, FORMATS, now).when, '30 min ago');
});

test('an export is stale when the server says so or the timeline was saved since', () => {
  assert.equal(isStale(null, 3), false);
  assert.equal(isStale({ revision: 3, stale: false }, 3), false);
  assert.equal(isStale({ revision: 3, stale: false }, 4), true);
  assert.equal(isStale({ revision: 3, stale: true }, 3), true);
  assert.equal(isStale({ revision: null, stale: false }, 4), false);
});
