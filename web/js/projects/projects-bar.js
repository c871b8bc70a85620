// Project switcher: open, create, rename, delete.
import { h, emit, clear } from '../shared/dom.js';
import { MAX_NAME, nameProblem } from './projects-model.js';

export function mountProjects(el) {
  let projects = [];
  let current = null;
  let mode = null; // 'create' | 'rename' | null

  const select = h('select', { 'aria-label': 'Open project', onchange: () => emit(el, 'openproject', { id: select.value }) });
  const newButton = h('button', { type: 'button', text: 'New project', onclick: () => setMode('create') });
  const renameButton = h('button', { type: 'button', class: 'ghost', text: 'Rename', 'aria-label': 'Rename project', onclick: () => setMode('rename') });
  const deleteButton = h('button', {
    type: 'button', class: 'ghost danger', text: 'Delete project',
    onclick: () => { if (current) emit(el, 'deleteproject', { id: current.id, name: current.name }); }, // asked in the page's dialog
  });
  const nameError = h('span', { class: 'field-error', id: 'project-name-error', role: 'alert' });
  const nameInput = h('input', {
    type: 'text', 'aria-label': 'Project name', maxlength: MAX_NAME, placeholder: 'Project name', 'aria-describedby': nameError.id,
    oninput: () => { nameError.textContent = ''; },
  });
  const okButton = h('button', { type: 'submit', text: 'Create' });
  const form = h('form', {
    class: 'inline-form',
    onsubmit: (e) => {
      e.preventDefault();
      const name = nameInput.value.trim();
      const problem = nameProblem(name);
      if (problem) {
        nameError.textContent = problem; // next to the field, instead of doing nothing
        nameInput.focus();
        return;
      }
      if (mode === 'create') emit(el, 'createproject', { name });
      else if (mode === 'rename' && current) emit(el, 'renameproject', { id: current.id, name });
      setMode(null);
    },
  }, nameInput, okButton, h('button', { type: 'button', class: 'ghost', text: 'Cancel', onclick: () => setMode(null) }), nameError);
  el.append(select, newButton, renameButton, deleteButton, form);

  function setMode(next) {
    // the closing form gives the focus back to the button that opened it: a hidden field kept
    // the focus in WebKit, so the next Ctrl+Z undid in it and not in the timeline
    const opener = mode === 'rename' ? renameButton : newButton;
    const closing = mode && !next && form.contains(document.activeElement);
    mode = next;
    nameInput.value = mode === 'rename' && current ? current.name : '';
    nameError.textContent = '';
    okButton.textContent = mode === 'rename' ? 'Rename' : 'Create';
    update();
    if (mode) nameInput.focus();
    else if (closing) (opener.hidden ? newButton : opener).focus();
  }

  function update() {
    clear(select);
    if (!projects.length) select.append(h('option', { value: '', text: 'No projects yet' }));
    for (const p of projects) select.append(h('option', { value: p.id, text: p.name, selected: current && p.id === current.id }));
    select.disabled = !projects.length;
    renameButton.hidden = deleteButton.hidden = !current;
    form.hidden = !mode;
  }

  // the desktop menu's File > New project: the same form as the button's
  el.addEventListener('asknewproject', () => setMode('create'));
  el.addEventListener('projects', (e) => {
    projects = e.detail.projects;
    current = e.detail.current;
    update();
  });
  update();
}
