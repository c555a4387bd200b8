// Every page: times in the viewer's own time zone, and forms that ask before they act.
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric",
    hour: "2-digit", minute: "2-digit", second: "2-digit", timeZoneName: "short",
  });

  function enhance(scope) {
    scope.querySelectorAll("time.local-time[datetime]").forEach(function (node) {
      var at = new Date(node.getAttribute("datetime"));
      if (!isNaN(at)) { node.textContent = format.format(at); node.title = node.getAttribute("datetime"); }
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  window.HeyGem = { enhance: enhance };
  enhance(document);
})();
