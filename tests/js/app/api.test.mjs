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
