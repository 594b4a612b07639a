// placeholder: the knowledge base editor is being built
export default function Knowledge() {
  return <p class="muted">—</p>;
}
