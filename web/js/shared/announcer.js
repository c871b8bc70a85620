// Two live regions, read by screen readers and not shown: a polite one (progress, the end of long
// work) and an assertive one (failures). `say({ text, assertive })` puts a message in one; the
// same text twice in a row is still read (the region is emptied first).
import { h } from './dom.js';

export function mountAnnouncer(host) {
  const polite = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'data-announce': 'polite' });
  const assertive = h('div', { class: 'sr-only', role: 'alert', 'aria-live': 'assertive', 'data-announce': 'assertive' });
  host.append(polite, assertive);
  return function say(message) {
    if (!message) return;
    const region = message.assertive ? assertive : polite;
    region.textContent = '';
    setTimeout(() => { region.textContent = message.text; }, 50);
  };
}
