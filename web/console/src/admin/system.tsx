// placeholder: the screen is being built
export function SystemScreen() {
  return <p class="muted">—</p>;
}
