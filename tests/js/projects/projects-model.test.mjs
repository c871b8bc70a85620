import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_NAME, cleanName, nameProblem } from '../../../web/js/projects/projects-model.js';

test('an empty or blank project name is refused with the reason', () => {
  assert.equal(nameProblem(''), 'A project needs a name.');
  assert.equal(nameProblem('   \t '), 'A project needs a name.');
  assert.equal(nameProblem(undefined), 'A project needs a name.');
});

test('a name too long is refused; white space is tidied as the server keeps it', () => {
  assert.equal(nameProblem('x'.repeat(MAX_NAME + 1)), 'A project name can be at most 120 characters.');
  assert.equal(nameProblem('x'.repeat(MAX_NAME)), null);
  assert.equal(nameProblem(`  ${'x'.repeat(MAX_NAME)}  `), null);
  assert.equal(cleanName('  Holiday \n  cut '), 'Holiday cut');
  assert.equal(nameProblem('Holiday cut'), null);
});
