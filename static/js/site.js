// Every page: times in the viewer's own time zone, and forms that ask before they act.
(function () {
  "use strict";
  var formats = {
    full: new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
    }),
    // Lists: the day and the minute; the zone is in the tooltip.
    short: new Intl.DateTimeFormat(undefined, {
      month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
    }),
  };

  function enhance(scope) {
    scope.querySelectorAll("time.local-time[datetime]").forEach(function (node) {
      var at = new Date(node.getAttribute("datetime"));
      if (isNaN(at)) return;
      node.textContent = (formats[node.dataset.style] || formats.full).format(at);
      node.title = formats.full.format(at);
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  window.HeyGem = { enhance: enhance };
  enhance(document);
})();
