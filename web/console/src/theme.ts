// Light and dark: the system's choice (prefers-color-scheme) unless the user picks one, remembered.
import { effect, signal } from '@preact/signals';

export type Theme = 'system' | 'light' | 'dark';
const STORE = 'palisade.console.theme';
const read = (): Theme => {
  try {
    const v = localStorage.getItem(STORE);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
};
export const theme = signal<Theme>(read());
effect(() => {
  const root = document.documentElement;
  if (theme.value === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme.value;
  try {
    localStorage.setItem(STORE, theme.value);
  } catch {
    /* the choice lasts this page */
  }
});
