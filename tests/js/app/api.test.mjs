import { test } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../../../web/js/app/api.js';

test('API paths are relative to the page, so they stay under the session prefix', async () => {
  const asked = [];
  globalThis.fetch = async (url) => {
    asked.push(url);
    return { ok: true, json: async () => ({ ok: true }) };
  };
  assert.deepEqual(await api.get('api/health'), { ok: true });
  assert.deepEqual(asked, ['api/health']);
  await assert.rejects(api.get('/api/health'), /relative to the page: 'api\/health'/);
  assert.equal(asked.length, 1); // the root path never reached the network
});

// Every request the page makes, named: its method, its relative URL and its body.
const CALLS = [
  [(s) => s.health(), 'GET', 'api/health'],
  [(s) => s.models(), 'GET', 'api/models'],
  [(s) => s.capabilities({ av1: '' }), 'POST', 'api/capabilities', { codecs: { av1: '' } }],
  [(s) => s.clientLog({ kind: 'csp', message: 'm' }), 'POST', 'api/client-log', { kind: 'csp', message: 'm' }],
  [(s) => s.timelineLimits(), 'GET', 'api/timeline/limits', undefined],
  [(s) => s.fontList(), 'GET', 'api/fonts', undefined],
  [(s) => s.settings.get(), 'GET', 'api/settings'],
  [(s) => s.settings.save({ fal_key: null }), 'PUT', 'api/settings', { fal_key: null }],
  [(s) => s.settings.testKey('id:secret'), 'POST', 'api/settings/test-key', { fal_key: 'id:secret' }],
  [(s) => s.projects.list(), 'GET', 'api/projects'],
  [(s) => s.projects.create('Cut'), 'POST', 'api/projects', { name: 'Cut' }],
  [(s) => s.projects.rename('p1', 'Cut'), 'PATCH', 'api/projects/p1', { name: 'Cut' }],
  [(s) => s.projects.get('p1'), 'GET', 'api/projects/p1'],
  [(s) => s.projects.setSpendingCap('p1', 5), 'PATCH', 'api/projects/p1', { spending_cap: 5 }],
  [(s) => s.projects.remove('p1'), 'DELETE', 'api/projects/p1'],
  [(s) => s.projects.media('p1'), 'GET', 'api/projects/p1/media'],
  [(s) => s.projects.timeline('p1'), 'GET', 'api/projects/p1/timeline'],
  [(s) => s.projects.saveTimeline('p1', { version: 1 }), 'PUT', 'api/projects/p1/timeline', { timeline: { version: 1 } }],
  [(s) => s.projects.undoTimeline('p1', 4, { source: 'page', client: 't1' }), 'POST', 'api/projects/p1/timeline/undo',
    { revision: 4, source: 'page', client: 't1' }],
  [(s) => s.projects.redoTimeline('p1', 5), 'POST', 'api/projects/p1/timeline/redo', { revision: 5 }],
  [(s) => s.projects.timelineHistory('p1'), 'GET', 'api/projects/p1/timeline/history'],
  [(s) => s.projects.extend('p1', { clip_id: 'c1', model_id: 'm' }), 'POST', 'api/projects/p1/timeline/extend',
    { clip_id: 'c1', model_id: 'm' }],
  [(s) => s.projects.fill('p1', { track_id: 't1', at: 2, model_id: 'm' }), 'POST', 'api/projects/p1/timeline/fill',
    { track_id: 't1', at: 2, model_id: 'm' }],
  [(s) => s.projects.voiceOver('p1', { text: 'Hi', model_id: 'm', at: 1 }), 'POST', 'api/projects/p1/timeline/voice-over',
    { text: 'Hi', model_id: 'm', at: 1 }],
  [(s) => s.projects.addSound('p1', { clip_id: 'c1', model_id: 'm' }), 'POST', 'api/projects/p1/timeline/add-sound',
    { clip_id: 'c1', model_id: 'm' }],
  [(s) => s.projects.upscale('p1', { clip_id: 'c1', model_id: 'm' }), 'POST', 'api/projects/p1/timeline/upscale',
    { clip_id: 'c1', model_id: 'm' }],
  [(s) => s.projects.generateHere('p1', { track_id: 't1', at: 2, model_id: 'm', prompt: 'x' }), 'POST',
    'api/projects/p1/timeline/generate-here', { track_id: 't1', at: 2, model_id: 'm', prompt: 'x' }],
  [(s) => s.projects.retake('p1', { clip_id: 'c1', start: 1, end: 2, model_id: 'm', prompt: 'x' }), 'POST',
    'api/projects/p1/timeline/retake', { clip_id: 'c1', start: 1, end: 2, model_id: 'm', prompt: 'x' }],
  [(s) => s.projects.relink('p1', { name: 'fox.mp4', media_id: 'm1' }), 'POST', 'api/projects/p1/timeline/relink',
    { name: 'fox.mp4', media_id: 'm1' }],
  [(s) => s.projects.view('p1'), 'GET', 'api/projects/p1/view'],
  [(s) => s.projects.saveView('p1', { zoom: 80 }), 'PUT', 'api/projects/p1/view', { zoom: 80 }],
  [(s) => s.projects.jobs('p 1'), 'GET', 'api/generations?project_id=p%201'],
  [(s) => s.projects.startExport('p1'), 'POST', 'api/projects/p1/exports', {}],
  [(s) => s.projects.startExport('p1', { preset: 'youtube_1080p' }), 'POST', 'api/projects/p1/exports',
    { settings: { preset: 'youtube_1080p' } }],
  [(s) => s.projects.estimateExport('p1', { format: 'gif' }), 'POST', 'api/projects/p1/exports/estimate',
    { settings: { format: 'gif' } }],
  [(s) => s.projects.exports('p1'), 'GET', 'api/projects/p1/exports'],
  [(s) => s.projects.transcribeClip('p1', 'c1'), 'POST', 'api/projects/p1/captions/transcribe', { clip_id: 'c1' }],
  [(s) => s.projects.transcribeTimeline('p1'), 'POST', 'api/projects/p1/captions/transcribe-timeline', {}],
  [(s) => s.projects.transcribeTimeline('p1', 'k1'), 'POST', 'api/projects/p1/captions/transcribe-timeline',
    { track_id: 'k1' }],
  [(s) => s.media.sources('m1'), 'GET', 'api/media/m1/sources'],
  [(s) => s.media.waveform('m1'), 'GET', 'api/media/m1/waveform'],
  [(s) => s.media.remove('m1'), 'DELETE', 'api/media/m1'],
  [(s) => s.media.retryProxy('m1'), 'POST', 'api/media/m1/proxy', {}],
  [(s) => s.media.rename('m1', 'Fox'), 'PATCH', 'api/media/m1', { name: 'Fox' }],
  [(s) => s.media.restore('m1'), 'POST', 'api/media/m1/restore', {}],
  [(s) => s.media.fileInBin('m1', 'B-roll'), 'PATCH', 'api/media/m1', { bin: 'B-roll' }],
  [(s) => s.generations.start({ prompt: 'kite' }), 'POST', 'api/generations', { prompt: 'kite' }],
  [(s) => s.generations.cancel('j1'), 'POST', 'api/generations/j1/cancel', {}],
  [(s) => s.generations.retry('j1'), 'POST', 'api/generations/j1/retry', {}],
  [(s) => s.generations.clear('j1'), 'DELETE', 'api/generations/j1'],
  [(s) => s.exports.formats(), 'GET', 'api/export/formats'],
  [(s) => s.exports.cancel('e1'), 'POST', 'api/exports/e1/cancel', {}],
  [(s) => s.desktop.title('Cut — Reelcut', 'p1'), 'POST', 'api/desktop/title', { title: 'Cut — Reelcut', project_id: 'p1' }],
  [(s) => s.desktop.open('p1'), 'POST', 'api/desktop/open', { project_id: 'p1' }],
  [(s) => s.desktop.reveal({ media_id: 'm1' }), 'POST', 'api/desktop/reveal', { media_id: 'm1' }],
  [(s) => s.desktop.reveal({ export_id: 'e1' }), 'POST', 'api/desktop/reveal', { export_id: 'e1' }],
  [(s) => s.desktop.saveExport('e1'), 'POST', 'api/desktop/save-export', { export_id: 'e1' }],
  [(s) => s.desktop.saveTimelineFile('p1', 'edl'), 'POST', 'api/desktop/save-timeline', { project_id: 'p1', format: 'edl' }],
  [(s) => s.desktop.selftest({ currentTime: 1 }), 'POST', 'api/desktop/selftest', { currentTime: 1 }],
  [(s) => s.desktop.openLogs(), 'POST', 'api/desktop/open-logs', {}],
];

test('every request the page makes is named in the api module, relative to the page', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  const leaves = (o) => Object.values(o).flatMap((v) => (typeof v === 'function' ? [v] : leaves(v)));
  // reveal, startExport and transcribeTimeline are pinned twice; the three forms (media, timeline
  // file, captions) and the download are pinned below
  assert.equal(CALLS.length - 3 + 4, leaves(server).length);
  for (const [call, method, url, body] of CALLS) {
    let asked = null;
    globalThis.fetch = async (u, init) => {
      asked = { url: u, method: init.method, body: init.body === undefined ? undefined : JSON.parse(init.body) };
      return { ok: true, json: async () => ({}) };
    };
    await call(server);
    assert.deepEqual(asked, { url, method, body }, url);
  }
});

test('a file import is sent as the form itself', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  const form = new FormData();
  form.append('file', new Blob(['x']), 'a.mp4');
  let asked = null;
  globalThis.fetch = async (u, init) => { asked = { u, init }; return { ok: true, json: async () => ({}) }; };
  await server.projects.importFile('p1', form);
  assert.equal(asked.u, 'api/projects/p1/media');
  assert.equal(asked.init.method, 'POST');
  assert.equal(asked.init.body, form);
  assert.deepEqual(asked.init.headers, {});
});

test('a captions file is sent as the form itself', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  const form = new FormData();
  form.append('file', new Blob(['WEBVTT']), 'a.vtt');
  let asked = null;
  globalThis.fetch = async (u, init) => { asked = { u, init }; return { ok: true, json: async () => ({}) }; };
  await server.projects.importCaptions('p1', form);
  assert.equal(asked.u, 'api/projects/p1/captions/import');
  assert.equal(asked.init.method, 'POST');
  assert.equal(asked.init.body, form);
});

test('the URLs the page hands to the browser are relative too', async () => {
  const { urls } = await import('../../../web/js/app/api.js');
  assert.equal(urls.events, 'api/events');
  assert.equal(urls.filmstrip('m1'), 'media/m1/filmstrip');
  assert.equal(urls.titleFont, 'api/fonts/title');
  assert.equal(urls.fontFileUrl('DejaVu Serif', true, false), 'api/fonts/file?family=DejaVu%20Serif&bold=1&italic=0');
  assert.equal(urls.fontFileUrl('A&B', false, true), 'api/fonts/file?family=A%26B&bold=0&italic=1');
  assert.equal(urls.captionsExport('p1', 'captions-1', 'vtt'), 'api/projects/p1/captions/captions-1/export?format=vtt');
});

test('a timeline is saved with the revision it was read at', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  let asked = null;
  globalThis.fetch = async (u, init) => { asked = JSON.parse(init.body); return { ok: true, json: async () => ({}) }; };
  await server.projects.saveTimeline('p1', { version: 2 }, 3);
  assert.deepEqual(asked, { timeline: { version: 2 }, revision: 3 });
  await server.projects.saveTimeline('p1', { version: 2 }, null);
  assert.deepEqual(asked, { timeline: { version: 2 } });
  // the page says who it is, so its own saves are told apart from an agent's
  await server.projects.saveTimeline('p1', { version: 2 }, 3, { source: 'page', client: 't1' });
  assert.deepEqual(asked, { timeline: { version: 2 }, revision: 3, source: 'page', client: 't1' });
});

test('a timeline file is imported as the form itself', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  const form = new FormData();
  form.append('file', new Blob(['TITLE: x']), 'cut.edl');
  let asked = null;
  globalThis.fetch = async (u, init) => { asked = { u, init }; return { ok: true, json: async () => ({}) }; };
  await server.projects.importTimelineFile('p1', form);
  assert.equal(asked.u, 'api/projects/p1/timeline/import');
  assert.equal(asked.init.method, 'POST');
  assert.equal(asked.init.body, form);
});

test('a timeline file comes down with its name and what the format could not carry', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  let asked = null;
  const headers = new Map([['Content-Disposition', 'attachment; filename="Cut.edl"'],
    ['X-Reelcut-Warnings', '["EDL keeps one video track: 1 track dropped"]']]);
  globalThis.fetch = async (u, init) => {
    asked = { u, method: init.method };
    return { ok: true, headers: { get: (k) => headers.get(k) ?? null }, blob: async () => new Blob(['TITLE: Cut']) };
  };
  const file = await server.projects.timelineFile('p 1', 'edl');
  assert.deepEqual(asked, { u: 'api/projects/p 1/timeline/export?format=edl', method: 'GET' });
  assert.equal(file.filename, 'Cut.edl');
  assert.deepEqual(file.warnings, ['EDL keeps one video track: 1 track dropped']);
  assert.equal(await file.blob.text(), 'TITLE: Cut');
});
