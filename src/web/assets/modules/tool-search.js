// The tool picker as an ARIA 1.2 combobox (keyboard: type, Down/Up to move, Enter to pick, Escape to close).
// Without this module the same form is a GET search whose results page offers the matches as links.
import Combobox from '__COMBOBOX_NAV__';

const compareUrl = (slugs) =>
  slugs.length === 2 ? '/compare/' + [...slugs].sort().join('-vs-') : '/compare?tools=' + slugs.map(encodeURIComponent).join(',');

for (const form of document.querySelectorAll('form[data-tool-search]')) {
  const input = form.querySelector('input[name="add"]');
  const list = form.querySelector('[role="listbox"]');
  const status = form.querySelector('[data-combobox-status]');
  if (!input || !list) continue;
  const picked = [...form.querySelectorAll('input[type="hidden"][name="tools"]')].map((i) => i.value);
  const combobox = new Combobox(input, list, { tabInsertsSuggestions: false, firstOptionSelectionMode: 'none' });
  let seq = 0;
  let timer;
  const close = () => {
    list.hidden = true;
    combobox.stop();
  };
  const show = (tools, q) => {
    list.replaceChildren();
    const options = tools.filter((t) => !picked.includes(t.slug));
    options.forEach((t, i) => {
      const li = document.createElement('li');
      li.setAttribute('role', 'option');
      li.id = `${list.id}-${i}`;
      li.dataset.slug = t.slug;
      li.textContent = t.name;
      const cat = document.createElement('span');
      cat.className = 'small muted';
      cat.textContent = ` ${t.category}`;
      li.append(cat);
      list.append(li);
    });
    if (status) status.textContent = options.length ? `${options.length} ${options.length === 1 ? 'tool matches' : 'tools match'}; use the arrow keys to choose.` : `No tool matches “${q}”.`;
    if (options.length) {
      list.hidden = false;
      combobox.start();
    } else close();
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    // One letter matches too much to help; wait for a second.
    if (q.length < 2) return close();
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const res = await fetch('/api/v1/suggest?q=' + encodeURIComponent(q), { headers: { accept: 'application/json' } });
        if (!res.ok) return;
        const { tools } = await res.json();
        if (mine === seq) show(tools, q); // an older answer never replaces a newer one
      } catch {
        // Offline or failed: the form still submits as a plain search.
      }
    }, 120);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      close();
    }
  });
  // Pressing on an option must not blur the input first (that would close the list before the click lands).
  list.addEventListener('mousedown', (e) => e.preventDefault());
  input.addEventListener('blur', close);
  list.addEventListener('combobox-commit', (e) => {
    const slug = e.target.dataset.slug;
    if (slug) window.location.assign(compareUrl([...picked, slug]));
  });
}
