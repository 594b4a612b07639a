// First-admin setup. The token arrives in the URL fragment (#token=…), which browsers never send
// to servers or put in Referer headers; it is removed from the address bar at once.
(() => {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
  history.replaceState(null, '', location.pathname);
  const form = document.getElementById('setup');
  const status = document.getElementById('status');
  const done = document.getElementById('done');
  const say = (text, ok) => {
    status.textContent = text;
    status.className = ok ? 'ok' : 'error';
  };
  if (!token) say('This page needs the setup link printed by Palisade at start-up.', false);

  /** The next step: the staff console once it is installed; until then, the demo and the API. */
  const showNextStep = (email) => {
    const consoleThere = document.body.dataset.console === 'yes';
    document.getElementById('done-who').textContent = email;
    document.getElementById(consoleThere ? 'next-console' : 'next-api').hidden = false;
    done.hidden = false;
    document.getElementById('done-title').focus();
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    if (data.password !== data.confirm) return say('The two passwords differ.', false);
    form.querySelector('button').disabled = true;
    try {
      const res = await fetch('/api/setup', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token, email: data.email, displayName: data.displayName, password: data.password }),
      });
      const body = await res.json().catch(() => ({}));
      if (res.status === 201) {
        form.hidden = true;
        document.getElementById('intro').hidden = true;
        say('', true);
        showNextStep(body.user.email);
        return;
      }
      const issues = (body.error && body.error.issues) || [];
      say(
        issues.length
          ? issues.map((i) => `${i.path}: ${i.message}`).join('; ')
          : (body.error && body.error.message) || 'Setup failed.',
        false,
      );
    } catch {
      say('Palisade could not be reached; try again.', false);
    }
    form.querySelector('button').disabled = false;
  });
})();
