// The left column's panels (Media, Transitions, Captions) as tabs, so the one in use has the
// column's whole height: at the desktop window's first size, stacked, the library kept a strip
// too thin to show one item. The WAI-ARIA tabs pattern: arrows, Home and End move between tabs,
// only the selected tab is in the Tab order. `showpanel` ({panel}) down shows one from elsewhere
// (Show in library, + Captions track); dragging a file over a tab opens it, so the library takes
// a drop whichever panel was open.
import { h } from '../shared/dom.js';
import { tabAfter } from '../shared/tabs-model.js';

// panels: [{name, label, panel}], the first shown at start; each panel keeps its own aria-label
export function mountSideTabs(el, panels) {
  const tabs = panels.map(({ name, label, panel }) => {
    panel.id = `panel-${name}`;
    panel.setAttribute('role', 'tabpanel');
    return h('button', {
      type: 'button', role: 'tab', id: `tab-${name}`, 'aria-controls': panel.id, text: label,
      onclick: () => select(name),
      // files only: a clip or a transition dragged across the tabs keeps its panel (and its drag)
      ondragenter: (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes('Files')) select(name); },
    });
  });
  el.setAttribute('role', 'tablist');
  el.append(...tabs);
  el.addEventListener('keydown', (e) => {
    const at = tabs.indexOf(e.target);
    const next = at < 0 ? null : tabAfter(at, e.key, tabs.length);
    if (next === null) return;
    e.preventDefault();
    select(panels[next].name);
    tabs[next].focus();
  });
  el.addEventListener('showpanel', (e) => select(e.detail.panel));

  function select(name) {
    panels.forEach((p, i) => {
      const on = p.name === name;
      tabs[i].setAttribute('aria-selected', String(on));
      tabs[i].tabIndex = on ? 0 : -1;
      p.panel.hidden = !on;
    });
  }
  select(panels[0].name);
}
