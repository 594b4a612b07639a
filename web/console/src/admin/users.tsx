// placeholder: the screen is being built
export function UsersScreen() {
  return <p class="muted">—</p>;
}
