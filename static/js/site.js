// Behaviour every page shares, kept out of the markup so the Content-Security-Policy can
// forbid inline script: forms that ask before they submit, links that go back, positions.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset && event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  // Positions given as data (a style attribute would need 'unsafe-inline'); setting
  // them from a script is allowed.
  document.querySelectorAll("[data-left]").forEach(function (el) {
    el.style.left = parseFloat(el.dataset.left) + "%";
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-back]");
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
