// The generate panel's logic, pure: models grouped by family with a filter and a search, the
// draft kept per project, why Generate is refused, and what a job card says.
import { estimate, takesOf } from './params-model.js';

// What a model makes, beyond the tab's input (text or image): video with sound, silent video, a
// still (registry `output: image`) or a voice (`output: audio`).
export const MAKES = [
  { value: '', label: 'Any output' },
  { value: 'sound', label: 'Video with sound' },
  { value: 'silent', label: 'Silent video' },
  { value: 'image', label: 'Image' },
  { value: 'voice', label: 'Voice-over' },
  { value: 'free', label: 'Free (offline)' },
];

export const needsKey = (model) => model.provider === 'fal';
const TABS = ['text', 'image'];
const hasSound = (model) => model.params.some((p) => p.name === 'generate_audio');

export const outputOf = (model) => model.output || 'video';

// A video-to-audio model (sound for a clip) is not a voice-over, and an upscaler makes no new
// video: neither answers those filters (they are the timeline's Add sound and Upscale).
function whatItMakes(model) {
  const output = outputOf(model);
  if (output === 'image') return 'image';
  if (output === 'audio') return model.mode === 'text' ? 'voice' : 'sound-for-video';
  if (model.task === 'upscale') return 'upscale';
  return hasSound(model) ? 'sound' : 'silent';
}

export function makes(model) {
  const output = outputOf(model);
  const what = whatItMakes(model);
  return [`${model.mode}-to-${output}`, what, ...(model.price_per_second || model.price_per_video ? [] : ['free'])];
}

// The panel's tab a model is listed under: its mode, or Text for models that start from media the
// panel cannot give yet (sound, a video); those show, disabled, saying why (`unavailable`).
export const tabOf = (model) => (TABS.includes(model.mode) ? model.mode : 'text');

// The media fields a model needs (registry `inputs`; an image model without them takes one image).
function mediaInputs(model) {
  if (model.inputs) return model.inputs;
  return model.mode === 'image' ? [{ name: model.image_param || 'image_url', kind: 'image', from: 'image_media_id', required: true }] : [];
}

// Why a model cannot be ticked in the panel, or null: a required input the panel has no picker
// for (an end frame, a sound, a video). The panel fills only image_media_id, on the Image tab.
export function unavailable(model) {
  const missing = mediaInputs(model).find((i) => i.required && !(i.from === 'image_media_id' && model.mode === 'image'));
  if (!missing) return null;
  return missing.needs || `needs ${missing.label ? missing.label.toLowerCase() : missing.kind}`;
}

function matchesQuery(model, query) {
  const words = String(query || '').toLowerCase().split(/\s+/).filter(Boolean);
  const text = `${model.name} ${model.family || ''} ${model.id} ${model.description || ''}`.toLowerCase();
  return words.every((w) => text.includes(w));
}

// This tab's models that pass the filter and the search, grouped by family in the registry's
// order: [{family, models}]. A ticked model stays listed whatever the filter, so a choice is
// never hidden while it is sent.
export function groupModels(models, { mode, filter = '', query = '', chosen = new Set() } = {}) {
  const groups = new Map();
  for (const m of models) {
    if (mode && tabOf(m) !== mode) continue;
    const shown = chosen.has(m.id) || ((!filter || makes(m).includes(filter)) && matchesQuery(m, query));
    if (!shown) continue;
    const family = m.family || 'Other';
    if (!groups.has(family)) groups.set(family, []);
    groups.get(family).push(m);
  }
  return [...groups].map(([family, list]) => ({ family, models: list }));
}

// -- the draft ------------------------------------------------------------------------------
export const draftKey = (projectId) => `reelcut.generate.draft.${projectId}`;

// The panel's state as JSON: {tab, prompt, imageId, filter, query, chosen: {text: {id: values}, image: {...}}}
export function serializeDraft({ tab, prompt, imageId, filter, query, chosenByTab, takes = 1 }) {
  const chosen = {};
  for (const t of TABS) chosen[t] = Object.fromEntries(chosenByTab[t] || new Map());
  return JSON.stringify({ v: 1, tab, prompt: prompt || '', imageId: imageId || '', filter: filter || '', query: query || '', chosen,
    takes: takesOf(takes) });
}

// A stored draft back, checked against today's registry: unknown models and parameters go, a
// tab's models must be of its mode. Anything unreadable is no draft (null).
export function parseDraft(text, models) {
  let d;
  try { d = JSON.parse(text); } catch { return null; }
  if (!d || typeof d !== 'object' || d.v !== 1) return null;
  const str = (v) => (typeof v === 'string' ? v : '');
  const chosenByTab = { text: new Map(), image: new Map() };
  for (const t of TABS) {
    const picks = d.chosen && typeof d.chosen[t] === 'object' && d.chosen[t] ? d.chosen[t] : {};
    for (const [id, values] of Object.entries(picks)) {
      const model = models.find((m) => m.id === id && m.mode === t && !unavailable(m));
      if (!model || !values || typeof values !== 'object') continue;
      const names = new Set(model.params.map((p) => p.name));
      chosenByTab[t].set(id, Object.fromEntries(Object.entries(values).filter(([k]) => names.has(k))));
    }
  }
  return {
    tab: TABS.includes(d.tab) ? d.tab : 'text', prompt: str(d.prompt), imageId: str(d.imageId),
    filter: MAKES.some((o) => o.value === d.filter) ? d.filter : '', query: str(d.query), chosenByTab,
    takes: takesOf(d.takes ?? 1),
  };
}

export function loadDraft(storage, projectId, models) {
  if (!projectId) return null;
  try {
    const text = storage.getItem(draftKey(projectId));
    return text ? parseDraft(text, models) : null;
  } catch {
    return null; // storage refused (private mode): no draft
  }
}

export function saveDraft(storage, projectId, draft) {
  if (!projectId) return;
  try { storage.setItem(draftKey(projectId), serializeDraft(draft)); } catch { /* full or refused: the draft is a convenience */ }
}

// -- why Generate is refused ------------------------------------------------------------------
// The first reason Generate cannot run, as the button's note says it, or null.
// A refused number field does not disable it: pressed, Generate takes the user to that field.
export function blocker({ enabled = true, chosen = [], prompt = '', tab = 'text', imageId = '', keySet = true }) {
  if (!enabled) return 'Open a project first.';
  if (!chosen.length) return 'Tick a model first.';
  if (!String(prompt).trim()) return 'Write a prompt first.';
  if (tab === 'image' && !imageId) return 'Choose a source image first.';
  const keyless = chosen.filter(needsKey);
  if (!keySet && keyless.length) return `${keyless[0].name} needs a fal.ai key (Settings).`;
  return null;
}

// -- job cards --------------------------------------------------------------------------------
export const FINISHED = new Set(['done', 'failed', 'cancelled']);

export function firstLine(text, max = 80) {
  const line = String(text || '').split(/\r?\n/).map((l) => l.trim()).find(Boolean) || '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function secondsText(v) {
  if (v === undefined || v === null || v === '') return '';
  const n = Number(String(v).replace(/s$/, ''));
  return Number.isFinite(n) ? `${n} s` : String(v);
}

// What a job's card shows: the prompt's first line, the model, its key parameters and the cost.
export function jobCard(job, models) {
  const model = models.find((m) => m.id === job.model_id);
  const params = job.params || {};
  const key = [secondsText(params.duration), params.resolution, params.aspect_ratio].filter(Boolean).join(' · ');
  let cost = job.cost;
  if ((cost === undefined || cost === null) && model) cost = estimate(model, params);
  return {
    title: firstLine(job.prompt) || '(no prompt)',
    model: model ? model.name : job.model_id,
    params: key,
    cost: cost ? `$${Number(cost).toFixed(2)}` : 'Free',
    clearable: FINISHED.has(job.status),
  };
}

// -- prompt history ---------------------------------------------------------------------------
// The request a job was part of, to send again ("Use again", "Regenerate"): its prompt, the
// models of its group with their parameters, how many takes each had, and its image. A take's
// seed is left out: asked again, the request runs with fresh seeds, so it makes new takes rather
// than the same clip. `jobs`: the jobs known (the group's other jobs among them, when kept).
export function requestOf(job, jobs = []) {
  const group = job.group_id ? jobs.filter((j) => j.group_id === job.group_id) : [];
  const members = group.some((j) => j.id === job.id) ? group : [job, ...group];
  const params = {};
  const perModel = new Map();
  for (const j of members) {
    if (!params[j.model_id]) {
      const own = { ...(j.params || {}) };
      if (members.length > 1 || j.take) delete own.seed; // a take's seed was picked for that take
      params[j.model_id] = own;
    }
    perModel.set(j.model_id, Math.max(perModel.get(j.model_id) || 0, (j.take ?? 0) + 1));
  }
  return {
    prompt: job.prompt || '', model_ids: [...perModel.keys()], params,
    takes: takesOf(Math.max(...perModel.values())), image_media_id: job.image_media_id || undefined,
  };
}

// "Take 2 of 3" for a job or a media item of a group, or '' when it is not one of several.
export function takeLabel(take, count) {
  const of = Math.max(count || 0, (take ?? 0) + 1); // a cleared job leaves a gap, never "3 of 2"
  if (take === null || take === undefined || of < 2) return '';
  return `Take ${take + 1} of ${of}`;
}
