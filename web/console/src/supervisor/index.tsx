// placeholder: the supervisor board is being built
export default function Supervisor() {
  return <p class="muted">—</p>;
}
