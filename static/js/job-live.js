// Live job progress: re-fetch the page's live fragment (jobs/_job_live.html) and swap
// the parts that changed. Polls every second while the job moves, backs off to 10 s
// while it does not, pauses while the tab is hidden, and stops when the job ends.
(function () {
  "use strict";
  var root = document.getElementById("job-live");
  if (!root) return;
  var MIN = 1000, MAX = 10000, delay = MIN, timer = null;

  function isLive() { return root.dataset.live === "true"; }

  function schedule() {
    clearTimeout(timer);
    if (isLive() && !document.hidden) timer = setTimeout(poll, delay);
  }

  function update(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#job-live");
    if (!fresh) return;
    var changed = fresh.dataset.state !== root.dataset.state;
    root.dataset.live = fresh.dataset.live;
    root.dataset.state = fresh.dataset.state;
    fresh.querySelectorAll("[data-part]").forEach(function (part) {
      var old = root.querySelector('[data-part="' + part.dataset.part + '"]');
      // Media players keep playing: they are replaced only when a new file appears.
      if (!old || (part.dataset.key && part.dataset.key === old.dataset.key)) return;
      old.replaceWith(part);
    });
    delay = changed ? MIN : Math.min(MAX, Math.round(delay * 1.5));
  }

  function poll() {
    fetch(root.dataset.url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(update)
      .catch(function () { delay = Math.min(MAX, delay * 2); })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { clearTimeout(timer); return; }
    delay = MIN;
    if (isLive()) poll();
  });
  schedule();
})();
