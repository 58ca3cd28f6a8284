// Tool and compare pages: a "Copy" button on code snippets (the badge HTML). Without JS the snippet is still selectable text.
(function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll('pre[data-copy]').forEach(function (pre) {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn-quiet copy-btn';
    button.textContent = 'Copy';
    button.addEventListener('click', function () {
      navigator.clipboard.writeText((pre.querySelector('code') || pre).textContent || '').then(
        function () {
          button.textContent = 'Copied';
          setTimeout(function () { button.textContent = 'Copy'; }, 1500);
        },
        function () { button.textContent = 'Select and copy'; },
      );
    });
    pre.appendChild(button);
  });
})();
