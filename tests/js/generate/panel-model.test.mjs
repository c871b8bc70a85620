import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blocker, draftKey, firstLine, groupModels, jobCard, loadDraft, parseDraft, saveDraft, serializeDraft, tabOf, unavailable,
} from '../../../web/js/generate/panel-model.js';

const offline = { id: 'local/preview-t2v', name: 'Offline preview', family: 'Offline', provider: 'local', mode: 'text', price_per_second: 0,
  params: [{ name: 'duration', type: 'integer', default: 4, min: 1, max: 20 }, { name: 'resolution', type: 'string', default: '720p' }] };
const ltx = { id: 'fal-ai/ltx-2/text-to-video', name: 'LTX Video 2.0 Pro', family: 'LTX', provider: 'fal', mode: 'text', price_per_second: 0.06,
  description: 'Lightricks', params: [{ name: 'duration', type: 'integer', default: 6 }, { name: 'generate_audio', type: 'boolean', default: true }] };
const ltxImage = { ...ltx, id: 'fal-ai/ltx-2/image-to-video', name: 'LTX Video 2.0 Pro (image)', mode: 'image' };
const kling = { id: 'fal-ai/kling', name: 'Kling 2.5 Turbo Pro', family: 'Kling', provider: 'fal', mode: 'text', price_per_second: 0.07,
  params: [{ name: 'duration', type: 'string', default: '5' }] };
const models = [offline, ltx, ltxImage, kling];
const ids = (groups) => groups.map((g) => [g.family, g.models.map((m) => m.id)]);

test('models are grouped by family, in the registry order, for the tab', () => {
  assert.deepEqual(ids(groupModels(models, { mode: 'text' })),
    [['Offline', [offline.id]], ['LTX', [ltx.id]], ['Kling', [kling.id]]]);
  assert.deepEqual(ids(groupModels(models, { mode: 'image' })), [['LTX', [ltxImage.id]]]);
});

test('the filter by what they make and the search narrow the list; a ticked model stays', () => {
  assert.deepEqual(ids(groupModels(models, { mode: 'text', filter: 'sound' })), [['LTX', [ltx.id]]]);
  assert.deepEqual(ids(groupModels(models, { mode: 'text', filter: 'free' })), [['Offline', [offline.id]]]);
  assert.deepEqual(ids(groupModels(models, { mode: 'text', query: 'kling' })), [['Kling', [kling.id]]]);
  assert.deepEqual(ids(groupModels(models, { mode: 'text', query: 'ltx pro' })), [['LTX', [ltx.id]]]);
  assert.deepEqual(ids(groupModels(models, { mode: 'text', query: 'nothing like it' })), []);
  assert.deepEqual(ids(groupModels(models, { mode: 'text', query: 'kling', chosen: new Set([offline.id]) })),
    [['Offline', [offline.id]], ['Kling', [kling.id]]]);
});

test('a draft goes to storage per project and comes back checked against the registry', () => {
  const store = new Map();
  const storage = { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => store.set(k, v) };
  const draft = {
    tab: 'text', prompt: 'a red fox\nin snow', imageId: '', filter: 'sound', query: 'ltx',
    chosenByTab: { text: new Map([[ltx.id, { duration: 8, generate_audio: false }]]), image: new Map() },
  };
  saveDraft(storage, 'p1', draft);
  assert.ok(store.has(draftKey('p1')));
  assert.equal(loadDraft(storage, 'p2', models), null);
  const back = loadDraft(storage, 'p1', models);
  assert.equal(back.prompt, 'a red fox\nin snow');
  assert.equal(back.filter, 'sound');
  assert.equal(back.query, 'ltx');
  assert.deepEqual([...back.chosenByTab.text], [[ltx.id, { duration: 8, generate_audio: false }]]);
});

test('a stale or broken draft loses what no longer exists, or is no draft', () => {
  const text = JSON.stringify({ v: 1, tab: 'video', prompt: 3, chosen: {
    text: { 'gone/model': {}, [ltx.id]: { duration: 6, old_param: 1 }, [ltxImage.id]: {} }, image: null } });
  const d = parseDraft(text, models);
  assert.equal(d.tab, 'text');
  assert.equal(d.prompt, '');
  assert.deepEqual([...d.chosenByTab.text], [[ltx.id, { duration: 6 }]]);
  assert.equal(parseDraft('{not json', models), null);
  assert.equal(parseDraft(JSON.stringify({ v: 99 }), models), null);
  assert.equal(loadDraft({ getItem: () => { throw new Error('denied'); } }, 'p', models), null);
  const round = parseDraft(serializeDraft({ tab: 'image', prompt: 'x', chosenByTab: { text: new Map(), image: new Map([[ltxImage.id, {}]]) } }), models);
  assert.equal(round.tab, 'image');
  assert.deepEqual([...round.chosenByTab.image.keys()], [ltxImage.id]);
});

test('Generate says why it is refused, first reason first', () => {
  assert.equal(blocker({ enabled: false }), 'Open a project first.');
  assert.equal(blocker({ chosen: [], prompt: 'x' }), 'Tick a model first.');
  assert.equal(blocker({ chosen: [offline], prompt: '  ' }), 'Write a prompt first.');
  assert.equal(blocker({ chosen: [offline], prompt: 'x', tab: 'image' }), 'Choose a source image first.');
  assert.match(blocker({ chosen: [offline, ltx], prompt: 'x', keySet: false }), /LTX Video 2.0 Pro needs a fal.ai key/);
  assert.equal(blocker({ chosen: [offline], prompt: 'x', keySet: false }), null);
  assert.equal(blocker({ chosen: [ltx], prompt: 'x', tab: 'image', imageId: 'm1' }), null);
});

test('a job card names the prompt, the model, the key parameters and the cost', () => {
  const card = jobCard({ model_id: ltx.id, prompt: '\n  a red fox\nin snow', params: { duration: 8, resolution: '1080p' }, status: 'generating' }, models);
  assert.deepEqual(card, { title: 'a red fox', model: 'LTX Video 2.0 Pro', params: '8 s · 1080p', cost: '$0.48', clearable: false });
  const done = jobCard({ model_id: kling.id, prompt: 'p', params: { duration: '10' }, cost: 0.7, status: 'done' }, models);
  assert.equal(done.cost, '$0.70');
  assert.equal(done.params, '10 s');
  assert.equal(done.clearable, true);
  assert.equal(jobCard({ model_id: offline.id, prompt: 'x', params: {}, status: 'failed' }, models).cost, 'Free');
  assert.equal(firstLine('a'.repeat(100), 10), `${'a'.repeat(9)}…`);
});

// A model that needs media the panel has no picker for shows (under Text when it starts from
// sound or video) but cannot be ticked, saying why; an optional end frame does not block.
const flf = { id: 'fal-ai/veo3.1/first-last-frame-to-video', name: 'Veo 3.1 (first and last frame)', family: 'Veo', provider: 'fal',
  mode: 'image', price_per_second: 0.4, params: [],
  inputs: [{ name: 'first_frame_url', kind: 'image', from: 'image_media_id', required: true, label: 'First frame' },
    { name: 'last_frame_url', kind: 'image', from: 'end_image_media_id', required: true, label: 'End frame',
      needs: 'needs an end frame: use Fill on the timeline' }] };
const ltx23 = { ...flf, id: 'fal-ai/ltx-2.3/image-to-video', family: 'LTX',
  inputs: [flf.inputs[0], { ...flf.inputs[1], name: 'end_image_url', required: false }] };
const a2v = { id: 'fal-ai/ltx-2.3/audio-to-video', name: 'LTX-2.3 (audio to video)', family: 'LTX', provider: 'fal', mode: 'audio',
  price_per_second: 0.1, params: [], inputs: [{ name: 'audio_url', kind: 'audio', from: 'audio_media_id', required: true, label: 'Sound' }] };

test('models needing media the panel cannot give show, disabled, with the reason', () => {
  assert.equal(unavailable(flf), 'needs an end frame: use Fill on the timeline');
  assert.equal(unavailable(ltx23), null);
  assert.equal(unavailable(ltxImage), null);
  assert.equal(unavailable(offline), null);
  assert.equal(unavailable(a2v), 'needs sound');
  assert.equal(tabOf(a2v), 'text');
  assert.equal(tabOf(flf), 'image');
  assert.deepEqual(ids(groupModels([offline, a2v, flf, ltx23], { mode: 'text' })), [['Offline', [offline.id]], ['LTX', [a2v.id]]]);
  assert.deepEqual(ids(groupModels([offline, a2v, flf, ltx23], { mode: 'image' })), [['Veo', [flf.id]], ['LTX', [ltx23.id]]]);
  // a draft never brings back a model that cannot be ticked
  const draft = parseDraft(serializeDraft({ tab: 'image', prompt: 'x', chosenByTab: { text: new Map(), image: new Map([[flf.id, {}], [ltx23.id, {}]]) } }),
    [flf, ltx23]);
  assert.deepEqual([...draft.chosenByTab.image.keys()], [ltx23.id]);
});

test('image and voice models are offered on the Text tab, and the filter picks them by what they make', () => {
  const flux = { id: 'fal-ai/flux/dev', name: 'FLUX.1 [dev]', family: 'FLUX', provider: 'fal', mode: 'text', output: 'image',
    price_per_second: 0, price_per_video: 0.025, params: [{ name: 'image_size', type: 'string', default: 'landscape_4_3' }] };
  const still = { ...flux, id: 'local/preview-image', family: 'Offline', provider: 'local', price_per_video: undefined };
  const voice = { id: 'local/voice', name: 'Offline voice', family: 'Offline', provider: 'local', mode: 'text', output: 'audio',
    price_per_second: 0, params: [] };
  const all = [...models, flux, still, voice];
  assert.deepEqual(ids(groupModels(all, { mode: 'text', filter: 'image' })), [['FLUX', [flux.id]], ['Offline', [still.id]]]);
  assert.deepEqual(ids(groupModels(all, { mode: 'text', filter: 'voice' })), [['Offline', [voice.id]]]);
  // a still or a voice is neither a silent video nor one with sound
  assert.ok(!groupModels(all, { mode: 'text', filter: 'silent' }).some((g) => g.models.some((m) => m.output)));
  assert.equal(unavailable(flux), null);
  // sound for a clip is not a voice-over, and an upscaler is not a silent video: both are the
  // timeline's (Add sound, Upscale), listed under Any output only
  const bed = { ...voice, id: 'local/sound-bed', mode: 'video', inputs: [{ name: 'video_url', kind: 'video', from: 'video_media_id', required: true }] };
  const upscaler = { ...bed, id: 'local/upscale', output: 'video', task: 'upscale' };
  const more = [...all, bed, upscaler];
  assert.deepEqual(ids(groupModels(more, { mode: 'text', filter: 'voice' })), [['Offline', [voice.id]]]);
  assert.ok(!ids(groupModels(more, { mode: 'text', filter: 'silent' })).flatMap(([, m]) => m).includes(upscaler.id));
  assert.deepEqual(ids(groupModels([bed, upscaler], { mode: 'text' })), [['Offline', [bed.id, upscaler.id]]]);
});

test('Use again: the request of a job\'s group, its takes counted, the takes\' seeds left out', async () => {
  const { requestOf, takeLabel } = await import('../../../web/js/generate/panel-model.js');
  const job = (id, model, take, extra = {}) => ({ id, model_id: model, take, group_id: 'g', prompt: 'a fox', params: { duration: 6, seed: 10 + take }, ...extra });
  const jobs = [job('a', 'm1', 0), job('b', 'm1', 1), job('c', 'm1', 2), job('d', 'm2', 0), job('z', 'm1', 0, { group_id: 'other' })];
  assert.deepEqual(requestOf(jobs[1], jobs), {
    prompt: 'a fox', model_ids: ['m1', 'm2'], params: { m1: { duration: 6 }, m2: { duration: 6 } }, takes: 3, image_media_id: undefined,
  });
  const lone = { id: 'l', model_id: 'm1', take: 0, group_id: 'h', prompt: 'p', params: { seed: 5 }, image_media_id: 'img' };
  assert.deepEqual(requestOf(lone, [lone]), { prompt: 'p', model_ids: ['m1'], params: { m1: { seed: 5 } }, takes: 1, image_media_id: 'img' },
    'a lone job keeps the seed the user chose');
  assert.equal(takeLabel(1, 3), 'Take 2 of 3');
  assert.equal(takeLabel(0, 1), '');
  assert.equal(takeLabel(2, 2), 'Take 3 of 3', 'a cleared job never makes "3 of 2"');
});

test('the draft keeps the number of takes, 1 to 4', async () => {
  const { parseDraft, serializeDraft } = await import('../../../web/js/generate/panel-model.js');
  const base = { tab: 'text', prompt: 'x', chosenByTab: { text: new Map(), image: new Map() } };
  assert.equal(parseDraft(serializeDraft({ ...base, takes: 3 }), []).takes, 3);
  assert.equal(parseDraft(serializeDraft({ ...base, takes: 9 }), []).takes, 4);
  assert.equal(parseDraft(JSON.stringify({ v: 1 }), []).takes, 1, 'an older draft: one take');
});
