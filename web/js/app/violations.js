// Every policy violation from the first moment, for the desktop self-test's report.
export function recordViolations(target) {
  const violations = [];
  target.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  return violations;
}
