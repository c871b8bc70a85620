// Tiny DOM helpers: build elements without innerHTML, so no user text is ever parsed as markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Actions bubble up from components to the controller in main.js.
export function emit(el, name, detail = {}) {
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
}

// Data goes down from the controller to one component, as a noun event (it does not bubble).
export function send(el, name, detail = {}) {
  el.dispatchEvent(new CustomEvent(name, { detail }));
}
