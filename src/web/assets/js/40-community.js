// Votes and bookmarks in place: the forms work without this (POST, then back to the page); with it, the
// same POST goes through fetch with Accept: application/json and the page updates from the answer.
(function () {
  var busy = new WeakSet();

  function setStatus(form, text, isError) {
    var s = form.querySelector('[data-community-status]');
    if (!s) return;
    s.textContent = text;
    s.classList.toggle('community-error', !!isError);
    if (isError) s.classList.remove('visually-hidden'); // errors must be seen, not only heard
  }

  // Every form on the page carries the CSRF token; the first vote mints a visitor, whose token replaces it.
  function updateTokens(token) {
    if (!token) return;
    document.querySelectorAll('input[name="_csrf"]').forEach(function (i) { i.value = token; });
  }

  function pillClass(label) { return 'pill pill-' + (label ? String(label).toLowerCase() : 'none'); }

  function applyVote(slug, data) {
    document.querySelectorAll('form[data-community="vote"][data-tool="' + CSS.escape(slug) + '"]').forEach(function (f) {
      // data.vote is null after a withdrawal; the pressed button sends "none", so pressing it again undoes the vote.
      f.querySelectorAll('button[name="vote"]').forEach(function (b) {
        var pressed = b.getAttribute('data-vote') === data.vote;
        b.setAttribute('aria-pressed', pressed ? 'true' : 'false');
        b.value = pressed ? 'none' : b.getAttribute('data-vote');
      });
      // The community line beside the form (the tool page's pill), if there is one.
      var line = f.closest('.verdict-line, .community-line');
      var pill = line && line.querySelector('.pill:not([data-community-summary])');
      if (pill) { pill.textContent = data.community.text; pill.className = pillClass(data.community.label); }
      // The new community figures are said once: in the pill when one is beside the form, else in the status.
      var shown = pill || f.querySelector('[data-community-summary]');
      var said = data.vote ? 'You voted ' + data.vote + '.' : 'Vote removed.';
      setStatus(f, shown ? said : said + ' Community: ' + data.community.text + '.');
    });
    document.querySelectorAll('[data-community-summary="' + CSS.escape(slug) + '"]').forEach(function (el) {
      el.textContent = data.community.text;
      el.className = pillClass(data.community.label);
    });
  }

  function applyBookmark(slug, on) {
    document.querySelectorAll('form[data-community="bookmark"][data-tool="' + CSS.escape(slug) + '"]').forEach(function (f) {
      var b = f.querySelector('button');
      if (b) b.setAttribute('aria-pressed', on ? 'true' : 'false');
      var label = f.querySelector('[data-bookmark-label]');
      if (label) label.textContent = on ? 'Bookmarked' : 'Bookmark';
      var action = f.querySelector('input[name="action"]');
      if (action) action.value = on ? 'remove' : 'add';
      setStatus(f, on ? 'Bookmarked.' : 'Bookmark removed.');
    });
  }

  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement)) return;
    var kind = form.getAttribute('data-community');
    if (kind !== 'vote' && kind !== 'bookmark') return;
    if (!window.fetch || !window.URLSearchParams) return; // old browser: the plain form POST does it
    e.preventDefault();
    if (busy.has(form)) return;
    var body = new URLSearchParams(new FormData(form));
    var submitter = e.submitter;
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    busy.add(form);
    form.setAttribute('aria-busy', 'true');
    // getAttribute: a field named "action" would shadow form.action.
    fetch(form.getAttribute('action'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    })
      .then(function (res) {
        return res.json().then(
          function (data) { return { res: res, data: data }; },
          function () { return { res: res, data: null }; }
        );
      })
      .then(function (r) {
        var slug = form.getAttribute('data-tool');
        if (r.res.ok && r.data && r.data.ok) {
          updateTokens(r.data.csrf);
          if (kind === 'vote') applyVote(slug, r.data);
          else applyBookmark(slug, r.data.bookmarked);
        } else {
          var msg = r.data && r.data.error ? r.data.error.message : 'That did not work. Please try again.';
          setStatus(form, msg, true);
        }
      })
      .catch(function () { setStatus(form, 'Could not reach Verdict. Check your connection and try again.', true); })
      .finally(function () {
        busy.delete(form);
        form.removeAttribute('aria-busy');
      });
  });
})();
