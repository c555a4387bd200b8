// Live job progress by long polling (jobs.views.job_live): the request carries the
// last ETag and "Prefer: wait=25", so the server answers the moment the job changes,
// or with a 304 after 25 s. An idle watcher asks twice a minute; a change shows at
// once. A 304 the server did not hold (its watcher threads are taken) waits 5 s before
// the next ask. Paused while the tab is hidden; stops when the job ends. Between
// answers the ETA counts down here.
(function () {
  "use strict";
  var root = document.getElementById("job-live");
  if (!root) return;
  var WAIT = 25, RETRY_MIN = 1000, RETRY_MAX = 10000, retry = RETRY_MIN;
  var UNHELD_PAUSE = 5000, held = false;
  var etag = root.dataset.etag || null, inFlight = false, timer = null;

  function isLive() { return root.dataset.live === "true"; }

  function update(html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#job-live");
    if (!fresh) return;
    root.dataset.live = fresh.dataset.live;
    root.dataset.state = fresh.dataset.state;
    fresh.querySelectorAll("[data-part]").forEach(function (part) {
      var old = root.querySelector('[data-part="' + part.dataset.part + '"]');
      // Media players keep playing: they are replaced only when a new file appears.
      if (!old || (part.dataset.key && part.dataset.key === old.dataset.key)) return;
      old.replaceWith(part);
    });
    if (window.HeyGem) window.HeyGem.enhance(root);
  }

  function poll() {
    if (inFlight || document.hidden || !isLive()) return;
    inFlight = true;
    var headers = { "X-Requested-With": "fetch" };
    if (etag) { headers["If-None-Match"] = etag; headers["Prefer"] = "wait=" + WAIT; }
    fetch(root.dataset.url, { credentials: "same-origin", headers: headers, cache: "no-store" })
      .then(function (response) {
        // Not held (the server's watchers are all taken): ask again in 5 s, not at once.
        held = response.headers.has("Preference-Applied");
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        etag = response.headers.get("ETag");
        return response.text();
      })
      .then(function (html) {
        if (html) update(html);
        retry = RETRY_MIN;
        inFlight = false;
        clearTimeout(timer);
        if (held || html) poll(); else timer = setTimeout(poll, UNHELD_PAUSE);
      })
      .catch(function () {
        inFlight = false;
        clearTimeout(timer);
        timer = setTimeout(poll, retry);
        retry = Math.min(RETRY_MAX, retry * 2);
      });
  }

  function countDown() {
    var eta = root.querySelector("#job-eta");
    if (!eta) return;
    var left = Math.max(1, parseInt(eta.dataset.etaSeconds, 10) - 1);
    eta.dataset.etaSeconds = left;
    eta.textContent = left < 90 ? left + " s" : Math.round(left / 60) + " min";
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  setInterval(countDown, 1000);
  poll();
})();
