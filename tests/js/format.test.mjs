import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration, money, resolution, timecode } from '../../web/js/format.js';

test('formats', () => {
  assert.equal(duration(65.4), '1:05');
  assert.equal(duration(null), '');
  assert.equal(timecode(3661.5, 25), '01:01:01:12');
  assert.equal(resolution({ width: 1280, height: 720 }), '1280×720');
  assert.equal(money(0), 'Free');
  assert.equal(money(0.4), '$0.40');
});
