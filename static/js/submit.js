// Submit page: a live preview of the spoken text, and drag-and-drop for the video.
(function () {
  "use strict";
  var form = document.getElementById("submit-form");
  if (!form) return;
  var text = form.querySelector("textarea[name=text]");
  var preview = document.getElementById("spoken-preview");
  var csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  var pending = null, sent = 0;

  function showPreview() {
    var value = text.value;
    if (!value.trim()) { preview.textContent = "Type some text to see how it will be read out."; return; }
    var ticket = ++sent;
    fetch(preview.dataset.url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify({ text: value })
    })
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (result) {
        if (ticket !== sent) return;  // a newer request is on its way
        var ok = result[0], body = result[1];
        if (ok) {
          var chunks = body.chunks.length;
          var pauses = body.pauses.filter(function (p) { return p > 0; }).length;
          preview.textContent = body.spoken_text + "\n\n(" + chunks + " chunk" + (chunks === 1 ? "" : "s") + " for the speech engine" +
            (pauses ? ", " + pauses + " pause" + (pauses === 1 ? "" : "s") : "") + ")";
          showReadings(body.spans);
        } else {
          var errors = body.errors || [];
          preview.textContent = errors.length ? errors.map(function (e) { return e.detail; }).join(" ") : "The preview is not available.";
          showReadings([]);
        }
      })
      .catch(function () { if (ticket === sent) preview.textContent = "The preview is not available right now."; });
  }

  // The pieces read differently from how they are written, side by side (plain prose is left out).
  var readings = document.getElementById("readings");
  function showReadings(spans) {
    var body = readings.querySelector("tbody");
    body.textContent = "";
    spans.forEach(function (span) {
      if (span.kind === "text" || !span.source.trim()) return;
      var row = document.createElement("tr");
      [span.source.trim(), span.reading.trim(), span.kind].forEach(function (value, i) {
        var cell = document.createElement("td");
        cell.textContent = value;
        if (i === 0) cell.className = "mono";
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    readings.hidden = !body.children.length;
  }

  text.addEventListener("input", function () {
    clearTimeout(pending);
    pending = setTimeout(showPreview, 400);
  });
  if (text.value.trim()) showPreview();

  var zone = document.getElementById("dropzone");
  var input = zone.querySelector("input[type=file]");
  var label = document.getElementById("dropzone-file");
  var error = document.getElementById("dropzone-error");
  var maxBytes = parseInt(zone.dataset.maxBytes, 10);

  function showFile() {
    var file = input.files[0];
    error.hidden = true;
    label.textContent = file ? file.name + " (" + (file.size / 1e6).toFixed(1) + " MB)" : "";
    if (file && file.size > maxBytes) {
      error.textContent = "This file is larger than the limit of " + Math.round(maxBytes / 1e6) + " MB.";
      error.hidden = false;
      input.value = "";
      label.textContent = "";
    }
  }
  input.addEventListener("change", showFile);
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showFile();
    }
  });
  form.addEventListener("submit", function () {
    document.getElementById("submit-button").disabled = true;
  });
})();
