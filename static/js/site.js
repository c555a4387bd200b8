// Every page, kept out of the markup so the Content-Security-Policy can forbid inline
// script: times in the viewer's own time zone, forms that ask before they act, links
// that go back, positions given as data.
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

  // Run on the page and on every live fragment that replaces part of it.
  function enhance(scope) {
    scope.querySelectorAll("time.local-time[datetime]").forEach(function (node) {
      var at = new Date(node.getAttribute("datetime"));
      if (isNaN(at)) return;
      node.textContent = (formats[node.dataset.style] || formats.full).format(at);
      node.title = formats.full.format(at);
    });
    // A style attribute would need 'unsafe-inline'; setting it from a script is allowed.
    scope.querySelectorAll("[data-left]").forEach(function (el) {
      el.style.left = parseFloat(el.dataset.left) + "%";
    });
    scope.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = parseFloat(el.dataset.width) + "%";
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  window.HeyGem = { enhance: enhance };
  enhance(document);
})();
