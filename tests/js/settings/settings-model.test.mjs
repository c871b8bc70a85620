import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dollars, parseSpendingCap } from '../../../web/js/settings/settings-model.js';

test('the spending cap field: empty is no cap, dollars are rounded to cents, a wrong value says why', () => {
  assert.deepEqual(parseSpendingCap(''), { cap: null });
  assert.deepEqual(parseSpendingCap('   '), { cap: null });
  assert.deepEqual(parseSpendingCap('5'), { cap: 5 });
  assert.deepEqual(parseSpendingCap(' $2.506 '), { cap: 2.51 });
  assert.deepEqual(parseSpendingCap('0'), { cap: 0 });
  for (const bad of ['-1', 'five', '1e400']) {
    assert.match(parseSpendingCap(bad).problem || '', /number of dollars/, bad);
  }
});

test('dollars are shown with cents', () => {
  assert.equal(dollars(1.2), '$1.20');
  assert.equal(dollars(0), '$0.00');
  assert.equal(dollars(null), '$0.00');
});
