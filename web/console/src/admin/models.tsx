// placeholder: the screen is being built
export function ModelsScreen() {
  return <p class="muted">—</p>;
}
