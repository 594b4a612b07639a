// placeholder: the screen is being built
export function PoliciesScreen() {
  return <p class="muted">—</p>;
}
