// Console paths (/console/<workspace>/<screen>) in the address bar: back and forward work, a
// reload lands on the same screen. The server answers every /console path with the app.
import { signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';

export const BASE = '/console';
const current = () => location.pathname.replace(/\/+$/, '').slice(BASE.length) || '/';
export const path = signal(current());
addEventListener('popstate', () => (path.value = current()));

export function navigate(to: string): void {
  if (to === path.value) return;
  history.pushState(null, '', BASE + (to === '/' ? '' : to));
  path.value = to;
}

/** A link inside the console: the address changes without a page load; `current` marks the page. */
export function Link(props: { to: string; current?: boolean; class?: string; children: ComponentChildren }) {
  return (
    <a
      href={BASE + (props.to === '/' ? '' : props.to)}
      class={props.class}
      aria-current={props.current ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}
