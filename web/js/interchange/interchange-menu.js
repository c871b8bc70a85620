// "Timeline file": export the timeline for another editor (Resolve, Premiere, Final Cut), or
// import one. Actions go up as `exporttimelinefile` {format} and `importtimelinefile` {file}.
import { h, emit } from '../shared/dom.js';
import { TIMELINE_FILE_TYPES, TIMELINE_FORMATS } from './interchange-model.js';

export function mountInterchange(el) {
  const picker = h('input', {
    type: 'file', accept: TIMELINE_FILE_TYPES, hidden: true, 'aria-label': 'Timeline file to import',
    onchange: () => {
      const [file] = picker.files;
      picker.value = '';
      menu.open = false;
      if (file) emit(el, 'importtimelinefile', { file });
    },
  });
  const menu = h('details', { class: 'menu' },
    h('summary', { class: 'button-like ghost', text: 'Timeline file' }),
    h('div', { class: 'menu-items', role: 'group', 'aria-label': 'Timeline file' },
      h('p', { class: 'hint', text: 'Export the timeline as' }),
      ...TIMELINE_FORMATS.map((f) => h('button', {
        type: 'button', class: 'ghost', text: f.label, title: f.hint, 'aria-label': `Export the timeline as ${f.label}`,
        onclick: () => { menu.open = false; emit(el, 'exporttimelinefile', { format: f.key }); },
      })),
      h('button', { type: 'button', class: 'ghost', text: 'Import a timeline file…', onclick: () => picker.click() }),
      picker));
  el.append(menu);
  // no project: nothing to export or import into
  el.addEventListener('project', (e) => { el.hidden = !e.detail.open; if (el.hidden) menu.open = false; });
  el.hidden = true;
}
