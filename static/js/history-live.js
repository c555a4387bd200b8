// History: rows of running jobs update their status and progress every 3 s (one
// request for all of them, jobs.views.job_rows) and reload the page when one ends,
// so its download and retry buttons appear. Paused while the tab is hidden.
(function () {
  "use strict";
  var table = document.getElementById("history");
  if (!table) return;
  var PERIOD = 3000, timer = null;

  function liveRows() { return table.querySelectorAll("tr[data-live='true']"); }

  function apply(row, data) {
    var badge = row.querySelector("[data-part='status']");
    badge.textContent = data.label;
    badge.className = "badge status-" + data.status;
    row.querySelector("[data-part='progress']").textContent = data.progress + "%";
    var bar = row.querySelector(".bar");
    bar.className = "bar small bar-" + data.status;
    bar.setAttribute("aria-valuenow", data.progress);
    bar.firstElementChild.style.width = (data.status === "failed" ? 100 : data.progress) + "%";
    if (!data.live) { row.removeAttribute("data-live"); return true; }
    return false;
  }

  function poll() {
    var rows = liveRows();
    if (!rows.length || document.hidden) return;
    var ids = Array.prototype.map.call(rows, function (row) { return row.dataset.job; });
    fetch(table.dataset.rowsUrl + "?ids=" + ids.join(","), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { rows: [] }; })
      .then(function (body) {
        var ended = false;
        body.rows.forEach(function (data) {
          var row = table.querySelector("tr[data-job='" + data.id + "']");
          if (row && apply(row, data)) ended = true;
        });
        if (ended) window.location.reload();
      })
      .catch(function () {})
      .then(function () { clearTimeout(timer); timer = setTimeout(poll, PERIOD); });
  }

  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  timer = setTimeout(poll, PERIOD);
})();
