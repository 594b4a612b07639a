// placeholder: the screen is being built
export function ApiKeysScreen() {
  return <p class="muted">—</p>;
}
