import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tabAfter } from '../../../web/js/shared/tabs-model.js';

test('arrows move between tabs and wrap; Home and End go to the ends; other keys are left alone', () => {
  assert.deepEqual([0, 1, 2].map((i) => tabAfter(i, 'ArrowRight', 3)), [1, 2, 0]);
  assert.deepEqual([0, 1, 2].map((i) => tabAfter(i, 'ArrowLeft', 3)), [2, 0, 1]);
  assert.deepEqual([tabAfter(2, 'Home', 3), tabAfter(0, 'End', 3)], [0, 2]);
  for (const key of ['Enter', ' ', 'Tab', 'ArrowDown', 'a']) assert.equal(tabAfter(1, key, 3), null);
});
