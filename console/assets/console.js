// elasticjob console: pages refresh their <main> without a reload, and dangerous forms ask
// first. No library; the server renders everything.
(function () {
  "use strict";
  const main = document.querySelector("main[data-refresh]");
  let dirty = false; // a form of the page is being edited: do not replace it under the user

  document.addEventListener("input", (e) => { if (e.target.closest("form[method=post]")) dirty = true; });
  document.addEventListener("submit", (e) => {
    const msg = e.target.dataset.confirm;
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  if (!main) return;
  const every = Number(main.dataset.refresh) * 1000;
  if (!every) return;

  async function refresh() {
    const focused = document.activeElement;
    const typing = focused && main.contains(focused) && focused.matches("input, textarea, select");
    if (!document.hidden && !dirty && !typing) {
      try {
        const r = await fetch(location.pathname + location.search, { headers: { "X-Console-Partial": "1" }, credentials: "same-origin" });
        if (r.ok && !dirty) {
          main.innerHTML = await r.text();
          main.dataset.refreshed = String(Date.now());
        }
      } catch (_) { /* the server is away: try again later */ }
    }
    setTimeout(refresh, every);
  }
  setTimeout(refresh, every);
})();
