// placeholder: the screen is being built
export function CannedScreen() {
  return <p class="muted">—</p>;
}
