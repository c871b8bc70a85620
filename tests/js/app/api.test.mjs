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
  [(s) => s.timelineLimits(), 'GET', 'api/timeline/limits', undefined],
  [(s) => s.settings.get(), 'GET', 'api/settings'],
  [(s) => s.settings.save({ fal_key: null }), 'PUT', 'api/settings', { fal_key: null }],
  [(s) => s.settings.testKey('id:secret'), 'POST', 'api/settings/test-key', { fal_key: 'id:secret' }],
  [(s) => s.projects.list(), 'GET', 'api/projects'],
  [(s) => s.projects.create('Cut'), 'POST', 'api/projects', { name: 'Cut' }],
  [(s) => s.projects.rename('p1', 'Cut'), 'PATCH', 'api/projects/p1', { name: 'Cut' }],
  [(s) => s.projects.remove('p1'), 'DELETE', 'api/projects/p1'],
  [(s) => s.projects.media('p1'), 'GET', 'api/projects/p1/media'],
  [(s) => s.projects.timeline('p1'), 'GET', 'api/projects/p1/timeline'],
  [(s) => s.projects.saveTimeline('p1', { version: 1 }), 'PUT', 'api/projects/p1/timeline', { timeline: { version: 1 } }],
  [(s) => s.projects.view('p1'), 'GET', 'api/projects/p1/view'],
  [(s) => s.projects.saveView('p1', { zoom: 80 }), 'PUT', 'api/projects/p1/view', { zoom: 80 }],
  [(s) => s.projects.jobs('p 1'), 'GET', 'api/generations?project_id=p%201'],
  [(s) => s.projects.startExport('p1'), 'POST', 'api/projects/p1/exports', {}],
  [(s) => s.projects.startExport('p1', { preset: 'youtube_1080p' }), 'POST', 'api/projects/p1/exports',
    { settings: { preset: 'youtube_1080p' } }],
  [(s) => s.projects.estimateExport('p1', { format: 'gif' }), 'POST', 'api/projects/p1/exports/estimate',
    { settings: { format: 'gif' } }],
  [(s) => s.projects.exports('p1'), 'GET', 'api/projects/p1/exports'],
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
  [(s) => s.desktop.selftest({ currentTime: 1 }), 'POST', 'api/desktop/selftest', { currentTime: 1 }],
];

test('every request the page makes is named in the api module, relative to the page', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  const leaves = (o) => Object.values(o).flatMap((v) => (typeof v === 'function' ? [v] : leaves(v)));
  // reveal and startExport are pinned twice, the import (a form) below
  assert.equal(CALLS.length, leaves(server).length + 1);
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

test('the URLs the page hands to the browser are relative too', async () => {
  const { urls } = await import('../../../web/js/app/api.js');
  assert.equal(urls.events, 'api/events');
  assert.equal(urls.filmstrip('m1'), 'media/m1/filmstrip');
  assert.equal(urls.titleFont, 'api/fonts/title');
});

test('a timeline is saved with the revision it was read at', async () => {
  const { server } = await import('../../../web/js/app/api.js');
  let asked = null;
  globalThis.fetch = async (u, init) => { asked = JSON.parse(init.body); return { ok: true, json: async () => ({}) }; };
  await server.projects.saveTimeline('p1', { version: 2 }, 3);
  assert.deepEqual(asked, { timeline: { version: 2 }, revision: 3 });
  await server.projects.saveTimeline('p1', { version: 2 }, null);
  assert.deepEqual(asked, { timeline: { version: 2 } });
});
