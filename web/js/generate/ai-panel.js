// The AI panel: Text and Image tabs, the prompt, the jobs right under it, the models grouped by
// family (a filter by what they make, a search) with each model's parameter form built from the
// registry, and a footer that stays in view: the estimated cost, Generate and why it is refused.
// The draft (prompt, models, parameters, tab) is kept per project in localStorage.
import { h, emit, clear } from '../shared/dom.js';
import { tabAfter } from '../shared/tabs-model.js';
import { money } from '../shared/format.js';
import { MAX_TAKES, defaults, takesOf, typed, totalEstimate, ruleProblems, modelForError, numberProblem, rangeText, priceLabel } from './params-model.js';
import { MAKES, blocker, groupModels, loadDraft, needsKey, requestOf, saveDraft, tabOf, unavailable } from './panel-model.js';
import { mountJobs } from './jobs-list.js';

const MAX_PROMPT = 2000;
const PREFERRED = { text: 'local/preview-t2v', image: 'local/preview-i2v' };

export function mountAiPanel(el) {
  let models = [];
  let images = [];
  let tab = 'text';
  let enabled = false;
  let projectId = null;
  let restoredFor = null; // the project whose draft the panel shows
  let keySet = null; // whether a fal.ai key is set; unknown until the settings arrive
  let filter = '';
  let query = '';
  let imageWanted = ''; // the draft's image, until the media list has it
  // Each tab keeps its own picks and values, so going Text → Image → Text loses nothing.
  const chosenByTab = { text: new Map(), image: new Map() }; // model id -> current values
  let chosen = chosenByTab.text;
  const preselected = new Set(); // tabs whose built-in model was picked for the user once
  const forms = new Map(); // model id -> {fieldset, errors: Map(field -> element), controls: Map(field -> element)}
  // Number fields whose text is not a value the model takes: `${model id} ${field}` -> why. The
  // field's value is left out meanwhile, and Generate refuses until it is put right.
  const refused = new Map();
  const refusedKey = (modelId, field) => `${modelId} ${field}`;

  const TABS = ['text', 'image'];
  const tabs = TABS.map((name) => h('button', {
    type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': 'ai-tabpanel', text: name === 'text' ? 'Text' : 'Image',
    onclick: () => selectTab(name),
    // the WAI-ARIA tabs pattern: arrows, Home and End move between tabs; only the selected one is in Tab order
    onkeydown: (e) => {
      const next = tabAfter(TABS.indexOf(tab), e.key, TABS.length);
      if (next === null) return;
      e.preventDefault();
      selectTab(TABS[next]);
      tabs[next].focus();
    },
  }));
  const prompt = h('textarea', { 'aria-label': 'Prompt', rows: 4, maxlength: MAX_PROMPT, placeholder: 'Describe the clip…' });
  const counter = h('span', { class: 'counter', 'aria-live': 'off' });
  const imagePick = h('select', { 'aria-label': 'Source image' });
  const imageRow = h('label', { class: 'image-pick' }, 'Image ', imagePick);
  const promptError = h('span', { class: 'field-error', role: 'alert' });
  const imageError = h('span', { class: 'field-error', role: 'alert' });
  const modelList = h('div', { class: 'models', role: 'group', 'aria-label': 'Models' });
  const filterPick = h('select', { 'aria-label': 'Show models that make', onchange: () => { filter = filterPick.value; renderModels(); saveSoon(); } },
    MAKES.map((o) => h('option', { value: o.value, text: o.label })));
  const search = h('input', { type: 'search', 'aria-label': 'Search models', placeholder: 'Search models…',
    oninput: () => { query = search.value; renderModels(); saveSoon(); } });
  // how many takes of each ticked model: each a job with its own seed, grouped in the library
  const takesPick = h('select', { id: 'ai-takes', onchange: () => { updateCost(); saveSoon(); } },
    Array.from({ length: MAX_TAKES }, (_, i) => h('option', { value: String(i + 1), text: String(i + 1) })));
  const takes = () => takesOf(takesPick.value);
  const cost = h('p', { class: 'cost' });
  const why = h('p', { class: 'generate-why', id: 'generate-why', 'aria-live': 'polite' });
  const generate = h('button', { type: 'submit', class: 'primary', text: 'Generate', 'aria-describedby': 'generate-why' });
  const formError = h('p', { class: 'form-error', role: 'alert' });
  const jobsSection = h('section', { class: 'jobs-section', 'aria-label': 'Jobs' });
  const jobList = h('ul', { class: 'jobs', 'aria-label': 'Generations' });
  jobsSection.append(jobList);
  const footer = h('div', { class: 'generate-bar' }, h('div', { class: 'generate-row' }, cost, generate), why, formError);
  // the tab panel is a div around the form (a form may not take the tabpanel role)
  const form = h('form', {
    class: 'ai-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); },
  }, prompt, counter, promptError, imageRow, imageError, jobsSection,
  h('div', { class: 'model-tools' }, filterPick, search), modelList,
  h('div', { class: 'takes-row' }, h('label', { for: 'ai-takes', text: 'Takes per model' }), takesPick), footer);
  const panel = h('div', { id: 'ai-tabpanel', role: 'tabpanel' }, form);
  el.append(h('div', { class: 'panel-head' }, h('h2', { text: 'Generate' })),
    h('div', { role: 'tablist', 'aria-label': 'Generation mode', class: 'tabs' }, tabs), panel);
  prompt.addEventListener('input', () => { updateCounter(); updateCost(); saveSoon(); });
  imagePick.addEventListener('change', () => { imageWanted = imagePick.value; updateCost(); saveSoon(); });
  mountJobs(jobList);
  const tell = (name, detail) => jobList.dispatchEvent(new CustomEvent(name, { detail }));

  function selectTab(name) {
    tab = name;
    chosen = chosenByTab[name];
    render();
    saveSoon();
  }

  // -- the draft, per project ------------------------------------------------------------------
  let saveTimer = null;
  function saveNow() {
    clearTimeout(saveTimer);
    saveTimer = null;
    if (restoredFor !== projectId || !projectId) return; // not before the project's own draft is in
    saveDraft(localStorage, projectId, { tab, prompt: prompt.value, imageId: imagePick.value || imageWanted, filter, query, chosenByTab, takes: takes() });
  }
  function saveSoon() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveNow, 150);
  }
  window.addEventListener('pagehide', () => { if (saveTimer) saveNow(); });

  // The project's draft, once both the project and the models are known; a project without one
  // starts afresh (the built-in model preselected).
  function restore() {
    if (!projectId || !models.length || restoredFor === projectId) return;
    const first = restoredFor === null;
    restoredFor = projectId;
    const draft = loadDraft(localStorage, projectId, models);
    if (!draft && first) { saveSoon(); return; } // the page's first project, nothing kept: what is typed stays
    preselected.clear();
    refused.clear();
    chosenByTab.text = draft ? draft.chosenByTab.text : new Map();
    chosenByTab.image = draft ? draft.chosenByTab.image : new Map();
    if (draft) { preselected.add('text'); preselected.add('image'); }
    tab = draft ? draft.tab : 'text';
    chosen = chosenByTab[tab];
    prompt.value = draft ? draft.prompt : '';
    imageWanted = draft ? draft.imageId : '';
    filter = draft ? draft.filter : '';
    query = draft ? draft.query : '';
    filterPick.value = filter;
    search.value = query;
    takesPick.value = String(draft ? draft.takes : 1);
    render();
  }

  function modeModels() {
    return models.filter((m) => tabOf(m) === tab && !unavailable(m));
  }

  function paramControl(model, spec) {
    const id = `p-${model.id}-${spec.name}`.replace(/[^A-Za-z0-9-]/g, '-');
    const value = chosen.get(model.id)[spec.name];
    let control;
    let hint = null;
    const number = !spec.choices && (spec.type === 'integer' || spec.type === 'number');
    if (spec.choices) {
      control = h('select', { id }, spec.choices.map((c) => h('option', { value: String(c), text: String(c), selected: c === value })));
    } else if (spec.type === 'boolean') {
      control = h('input', { id, type: 'checkbox', checked: Boolean(value) });
    } else if (number) {
      const range = [rangeText(spec), spec.help].filter(Boolean).join(' · '); // from the registry
      if (range) hint = h('span', { class: 'hint range', id: `${id}-range`, text: range });
      control = h('input', {
        id, type: 'number', min: spec.min, max: spec.max, step: spec.step ?? (spec.type === 'integer' ? 1 : 'any'), value: value ?? '',
        'aria-describedby': hint ? hint.id : undefined,
      });
    } else {
      control = h('input', { id, type: 'text', value: value ?? '' });
    }
    const onChange = () => {
      const raw = spec.type === 'boolean' ? control.checked : control.value;
      const values = chosen.get(model.id);
      const problem = number ? numberProblem(spec, raw, control.validity.badInput) : null;
      if (problem) refused.set(refusedKey(model.id, spec.name), problem); else refused.delete(refusedKey(model.id, spec.name));
      const v = problem ? undefined : spec.choices ? spec.choices.find((c) => String(c) === raw) : typed(spec, raw);
      if (v === undefined) delete values[spec.name]; else values[spec.name] = v;
      showErrors();
      updateCost();
      saveSoon();
    };
    control.addEventListener('input', onChange);
    control.addEventListener('change', onChange);
    const error = h('span', { class: 'field-error', role: 'alert' });
    forms.get(model.id).errors.set(spec.name, error);
    forms.get(model.id).controls.set(spec.name, control);
    return h('div', { class: 'param' }, h('label', { for: id, text: spec.label || spec.name }), control, hint, error);
  }

  // A paid model while no fal.ai key is set: marked, with a way to Settings' key field; ticked,
  // it says so at once. Updated in place when the settings change, so a field being typed in
  // keeps its focus.
  const keyMarks = new Map(); // model id -> {model, row, badge, note, checked}
  function fillKeyMarks({ model, row, badge, note, checked }) {
    const keyless = keySet === false && needsKey(model);
    row.classList.toggle('needs-key', keyless);
    badge.hidden = !keyless;
    clear(note);
    if (!keyless) return;
    // named for its model: one such button per paid model, each a name of its own
    const addKey = h('button', {
      type: 'button', class: 'link', text: 'Add a fal.ai key', 'aria-label': `Add a fal.ai key for ${model.name}`,
      onclick: () => emit(el, 'opensettings', { focus: 'fal_key' }),
    });
    note.append(checked ? h('p', { class: 'key-note', role: 'alert' }, `${model.name} needs a fal.ai key to generate. `, addKey)
      : h('p', { class: 'key-hint' }, addKey));
  }

  function modelRow(model) {
    const reason = unavailable(model);
    const checked = !reason && chosen.has(model.id);
    const box = h('input', {
      type: 'checkbox', checked, 'aria-label': model.name, disabled: Boolean(reason),
      onchange: () => {
        if (box.checked) chosen.set(model.id, defaults(model)); else chosen.delete(model.id);
        for (const spec of model.params) refused.delete(refusedKey(model.id, spec.name)); // back to its defaults
        renderModels();
        saveSoon();
      },
    });
    const badge = h('span', { class: 'key-badge', text: 'needs key', hidden: true });
    const note = h('div', { class: 'key-slot' });
    const row = h('fieldset', { class: 'model', dataset: { modelId: model.id } },
      h('legend', {}, h('label', {}, box, ` ${model.name}`), h('span', { class: 'price', text: priceLabel(model) }),
        badge), note);
    if (reason) {
      const whyId = `why-${model.id}`.replace(/[^A-Za-z0-9-]/g, '-');
      box.setAttribute('aria-describedby', whyId);
      row.append(h('p', { class: 'hint unavailable', id: whyId, text: `${model.name} ${reason}.` }));
    }
    keyMarks.set(model.id, { model, row, badge, note, checked });
    fillKeyMarks(keyMarks.get(model.id));
    forms.set(model.id, { fieldset: row, errors: new Map(), controls: new Map() });
    if (checked) for (const spec of model.params) row.append(paramControl(model, spec));
    return row;
  }

  function render() {
    for (const t of tabs) {
      const on = t.id === `tab-${tab}`;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
    }
    panel.setAttribute('aria-labelledby', `tab-${tab}`);
    // Keep choices to this tab's models; preselect the built-in one the first time.
    for (const id of [...chosen.keys()]) if (!modeModels().some((m) => m.id === id)) chosen.delete(id);
    const preferred = models.find((m) => m.id === PREFERRED[tab]);
    if (!chosen.size && preferred && !preselected.has(tab)) {
      chosen.set(preferred.id, defaults(preferred));
      preselected.add(tab);
    }
    renderModels();
    imageRow.hidden = tab !== 'image';
    renderImages();
    updateCounter();
  }

  // The tab's models by family, through the filter and the search (a ticked one stays listed).
  function renderModels() {
    forms.clear();
    keyMarks.clear();
    clear(modelList);
    const groups = groupModels(models, { mode: tab, filter, query, chosen: new Set(chosen.keys()) });
    for (const { family, models: list } of groups) {
      const id = `family-${family}`.replace(/[^A-Za-z0-9-]/g, '-');
      modelList.append(h('div', { class: 'family', role: 'group', 'aria-labelledby': id },
        h('h3', { id, text: family }), list.map(modelRow)));
    }
    if (!groups.length) modelList.append(h('p', { class: 'hint', text: 'No model matches.' }));
    showErrors();
    updateCost();
  }

  // Media events come often (thumbnails, proxies); they touch only the image picker, so a
  // parameter being typed keeps its focus and value.
  function renderImages() {
    const previous = imagePick.value;
    clear(imagePick);
    imagePick.append(h('option', { value: '', text: images.length ? 'Choose an image…' : 'Import an image first' }));
    const wanted = previous || imageWanted;
    for (const img of images) imagePick.append(h('option', { value: img.id, text: img.name, selected: img.id === wanted }));
  }

  function showErrors(serverError) {
    formError.textContent = '';
    promptError.textContent = '';
    imageError.textContent = '';
    for (const { errors } of forms.values()) for (const e of errors.values()) e.textContent = '';
    for (const [id, values] of chosen) {
      const model = models.find((m) => m.id === id);
      for (const p of ruleProblems(model, values)) {
        const slot = forms.get(id)?.errors.get(p.field);
        if (slot) slot.textContent = p.message;
      }
      for (const spec of model.params) {
        const problem = refused.get(refusedKey(id, spec.name));
        const slot = forms.get(id)?.errors.get(spec.name);
        if (problem && slot) slot.textContent = problem;
      }
    }
    if (serverError) {
      const checked = models.filter((m) => chosen.has(m.id));
      const modelId = modelForError(serverError, checked);
      const slot = modelId ? forms.get(modelId)?.errors.get(serverError.field)
        : { prompt: promptError, image_media_id: imageError }[serverError.field];
      if (slot) slot.textContent = serverError.message; else formError.textContent = serverError.message;
    }
  }

  function updateCost() {
    const entries = [...chosen].map(([id, values]) => ({ model: models.find((m) => m.id === id), values }));
    const n = takes();
    cost.textContent = `Estimated cost: ${money(totalEstimate(entries, n))}${n > 1 ? ` (${n} takes)` : ''}`;
    const reason = blocker({
      enabled, chosen: entries.map((e) => e.model), prompt: prompt.value, tab, imageId: imagePick.value, keySet: keySet !== false,
    });
    generate.disabled = Boolean(reason);
    why.textContent = reason || '';
    why.hidden = !reason;
  }

  function updateCounter() {
    counter.textContent = `${prompt.value.length} / ${MAX_PROMPT}`;
  }

  function submit() {
    const text = prompt.value.trim();
    if (!text) { showErrors({ message: 'Write a prompt first.', field: 'prompt' }); prompt.focus(); return; }
    if (tab === 'image' && !imagePick.value) { showErrors({ message: 'Choose an image for image-to-video.', field: 'image_media_id' }); return; }
    const wrong = [...chosen.keys()].flatMap((id) => models.find((m) => m.id === id).params
      .filter((spec) => refused.has(refusedKey(id, spec.name))).map((spec) => ({ id, spec })));
    if (wrong.length) {
      showErrors();
      forms.get(wrong[0].id)?.controls.get(wrong[0].spec.name)?.focus();
      return;
    }
    const params = Object.fromEntries(chosen);
    // the last request's errors go as this one is sent, not when it is answered: a job can fail
    // (its event arriving first) before the answer to its own request does
    showErrors();
    emit(el, 'generate', {
      model_ids: [...chosen.keys()], prompt: text, params, image_media_id: tab === 'image' ? imagePick.value : undefined,
      takes: takes(),
    });
  }

  // speech to text takes no prompt: the inspector's Caption this clip button runs it
  el.addEventListener('models', (e) => { models = e.detail.models.filter((m) => m.mode !== 'transcribe'); tell('models', e.detail); render(); restore(); });
  el.addEventListener('media', (e) => {
    images = e.detail.items.filter((m) => m.kind === 'image');
    enabled = e.detail.enabled;
    tell('media', e.detail);
    if ((e.detail.project || null) !== projectId) {
      if (saveTimer) saveNow(); // the previous project's last keystrokes, under its own id
      projectId = e.detail.project || null;
      restore();
    }
    renderImages();
    updateCost();
  });
  // whether a fal.ai key is set (GET /api/settings, and after each save in Settings)
  el.addEventListener('settings', (e) => {
    const next = Boolean(e.detail.fal_key_set);
    if (next === keySet) return;
    keySet = next;
    for (const marks of keyMarks.values()) fillKeyMarks(marks);
    updateCost();
  });
  el.addEventListener('jobs', (e) => tell('jobs', e.detail));
  el.addEventListener('generateerror', (e) => showErrors(e.detail));
  // "Use again" on a job: the panel as that request was sent (prompt, models, parameters, takes,
  // image), ready to change and send; today's registry decides what is still offered
  el.addEventListener('useagain', (e) => {
    e.stopPropagation();
    const { job, jobs } = e.detail;
    const request = requestOf(job, jobs);
    const picked = request.model_ids.map((id) => models.find((m) => m.id === id)).filter((m) => m && !unavailable(m));
    if (!picked.length) { showErrors({ message: 'The models of that generation are no longer offered.' }); return; }
    tab = tabOf(picked[0]);
    chosenByTab[tab] = new Map(picked.filter((m) => tabOf(m) === tab).map((m) => [m.id, { ...defaults(m), ...request.params[m.id] }]));
    chosen = chosenByTab[tab];
    preselected.add(tab);
    for (const m of picked) for (const spec of m.params) refused.delete(refusedKey(m.id, spec.name));
    prompt.value = request.prompt;
    if (request.image_media_id) imageWanted = request.image_media_id;
    takesPick.value = String(request.takes);
    filter = '';
    query = '';
    filterPick.value = '';
    search.value = '';
    render();
    if (request.image_media_id) imagePick.value = request.image_media_id;
    updateCost();
    saveSoon();
    prompt.focus();
  });
  render();
}
