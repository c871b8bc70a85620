// The Settings dialog's rules that need no DOM (tested with node).

// The spending cap field's value as the API takes it: {cap} (null: no cap) or {problem}.
export function parseSpendingCap(value) {
  const text = String(value ?? '').trim().replace(/^\$/, '');
  if (!text) return { cap: null };
  const cap = Number(text);
  if (!Number.isFinite(cap) || cap < 0) return { problem: 'The spending cap is a number of dollars, 0 or more (empty: no cap).' };
  return { cap: Math.round(cap * 100) / 100 };
}

export function dollars(amount) {
  return `$${(amount || 0).toFixed(2)}`;
}
