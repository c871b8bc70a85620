// Google's CSP Evaluator (npm csp_evaluator) as a command: prints the findings for the policy
// given as the first argument, as JSON, so the Python tests can judge them.
const {CspEvaluator} = require('csp_evaluator/dist/evaluator.js');
const {CspParser} = require('csp_evaluator/dist/parser.js');
const {Severity} = require('csp_evaluator/dist/finding.js');

const policy = process.argv[2];
const findings = new CspEvaluator(new CspParser(policy).csp).evaluate();
const names = Object.fromEntries(Object.entries(Severity).map(([k, v]) => [v, k]));
console.log(JSON.stringify(findings.map((f) => ({
  severity: names[f.severity] || String(f.severity),
  directive: f.directive,
  value: f.value || null,
  description: f.description,
}))));
