// GPU dashboard: re-fetch its live fragment (jobs/_slots_live.html) every 5 s while the
// tab is visible, so slot states, GPU telemetry and alerts stay current without a reload.
(function () {
  "use strict";
  var root = document.getElementById("dashboard-live");
  if (!root) return;
  var PERIOD = 5000, timer = null;

  function schedule() {
    clearTimeout(timer);
    if (!document.hidden) timer = setTimeout(poll, PERIOD);
  }

  function poll() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#dashboard-live");
        if (fresh) { root.replaceWith(fresh); root = fresh; if (window.HeyGem) window.HeyGem.enhance(root); }
      })
      .catch(function () { /* keep the last view; try again next period */ })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) clearTimeout(timer); else poll();
  });
  schedule();
})();
