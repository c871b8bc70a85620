// Model parameter forms, from the registry's schema: defaults, typing of form values, and the
// cost estimate. Pure.

export function defaults(model) {
  const values = {};
  for (const p of model.params) if (p.default !== undefined && p.default !== null) values[p.name] = p.default;
  return values;
}

// Form controls give strings; the model wants its exact types ("5" for Kling, 5 for LTX).
export function typed(spec, raw) {
  if (spec.type === 'boolean') return Boolean(raw);
  if (raw === '' || raw === null || raw === undefined) return undefined;
  if (spec.type === 'integer') {
    const n = Number(raw);
    return Number.isInteger(n) ? n : raw;
  }
  if (spec.type === 'number') {
    const n = Number(raw);
    return Number.isFinite(n) ? n : raw;
  }
  return String(raw);
}

export function seconds(model, values) {
  const v = values.duration ?? model.fixed_duration ?? 5;
  return Number(String(v).replace(/s$/, '')) || 0;
}

function matches(value, cond) {
  if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
    if ('gt' in cond && !(value > cond.gt)) return false;
    if ('lt' in cond && !(value < cond.lt)) return false;
    if ('in' in cond && !cond.in.includes(value)) return false;
    return true;
  }
  return value === cond;
}

// The price entry that applies (the first matching override, else the model): per second, or
// per video (`price_per_video`), as the registry's grid says.
function priceEntry(model, values) {
  for (const o of model.price_overrides || []) {
    if (Object.entries(o.when).every(([k, c]) => matches(values[k], c))) return o;
  }
  return model;
}

export function pricePerSecond(model, values) {
  return priceEntry(model, values).price_per_second || 0;
}

export function estimate(model, values) {
  const entry = priceEntry(model, values);
  if (entry.price_per_video !== undefined && entry.price_per_video !== null) return entry.price_per_video;
  return (entry.price_per_second || 0) * seconds(model, values);
}

// The price as a model's row shows it: "$0.06/s", "$0.49/video", "$0.04/image" or "free".
export function priceLabel(model) {
  const unit = { image: 'image', audio: 'request' }[model.output] || 'video';
  if (model.price_per_video) return `$${model.price_per_video}/${unit}`;
  return model.price_per_second ? `$${model.price_per_second}/s` : 'free';
}

export const MAX_TAKES = 4; // the server's own limit (generation/jobs.py)

// The cost shown before Generate: takes × (each model's seconds × its price). The server's
// estimated_cost for the same request is the same figure (tests/test_takes_cost.py).
export function totalEstimate(entries, takes = 1) {
  return takes * entries.reduce((sum, { model, values }) => sum + estimate(model, values), 0);
}

// The Takes control's value as the request sends it: a whole number from 1 to MAX_TAKES.
export function takesOf(raw) {
  const n = Math.round(Number(raw));
  return Number.isFinite(n) ? Math.min(MAX_TAKES, Math.max(1, n)) : 1;
}

// The registry's cross-field rules, checked before sending so the user sees the reason at once.
export function ruleProblems(model, values) {
  const problems = [];
  for (const rule of model.rules || []) {
    if (!Object.entries(rule.when).every(([k, c]) => matches(values[k], c))) continue;
    for (const [field, allowed] of Object.entries(rule.require)) {
      if (!allowed.includes(values[field])) problems.push({ field, message: rule.message });
    }
  }
  return problems;
}

// A refusal names a field ("duration") but several checked models may have one. The server may
// say which model (`model_id`); otherwise its message starts with the model's name.
export function modelForError(error, models) {
  if (!error || !error.field) return null;
  const withField = models.filter((m) => m.params.some((p) => p.name === error.field));
  const named = error.model_id && withField.find((m) => m.id === error.model_id);
  if (named) return named.id;
  const message = error.message || '';
  const byName = withField.find((m) => m.name && message.startsWith(`${m.name}:`));
  if (byName) return byName.id;
  return withField.length ? withField[0].id : null;
}

const given = (v) => v !== undefined && v !== null;

// The range of a number field from the registry, as the field shows it: "1–20", "at least 0".
export function rangeText(spec) {
  if (given(spec.min) && given(spec.max)) return `${spec.min}–${spec.max}`;
  if (given(spec.min)) return `at least ${spec.min}`;
  if (given(spec.max)) return `at most ${spec.max}`;
  return '';
}

function wanted(spec) {
  const kind = spec.type === 'integer' ? 'a whole number' : 'a number';
  if (given(spec.min) && given(spec.max)) return `${kind} from ${spec.min} to ${spec.max}`;
  if (given(spec.min)) return `${kind} of at least ${spec.min}`;
  if (given(spec.max)) return `${kind} of at most ${spec.max}`;
  return kind;
}

// What is wrong with the text of a number field, or null. Empty is refused when the model has a
// default (the server would quietly use it) or needs the value; it is allowed when the model
// chooses by itself (a seed left empty is random). `badInput`: the browser's number field holds
// text it cannot read as a number, and reports its value as ''.
export function numberProblem(spec, raw, badInput = false) {
  const label = spec.label || spec.name;
  const text = String(raw ?? '').trim();
  if (badInput) return `${label} must be ${wanted(spec)}.`;
  if (text === '') {
    return given(spec.default) || spec.required ? `${label} is empty: enter ${wanted(spec)}.` : null;
  }
  const n = Number(text);
  if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) return `${label} must be ${wanted(spec)}.`;
  if (given(spec.min) && n < spec.min) return `${label} must be at least ${spec.min}.`;
  if (given(spec.max) && n > spec.max) return `${label} must be at most ${spec.max}.`;
  return null;
}
