/** The account page's copy buttons, served as `/account/account.js` under CSP `script-src 'self'` (never inline). */
export const ACCOUNT_SCRIPT = `// Copy buttons of the account page: served as a file under CSP script-src 'self' (no inline script).
document.addEventListener('click', function (event) {
  var button = event.target instanceof Element ? event.target.closest('button[data-copy]') : null;
  if (!button) return;
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (!source) return;
  var text = source.textContent || '';
  var done = function () {
    button.setAttribute('data-copied', 'true');
    button.textContent = 'Copied';
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(text).then(done, function () {});
  }
});`;
