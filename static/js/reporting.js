// Reporting: progressive enhancement only (the pages work without this file).
(function () {
  "use strict";
  // Print buttons: <button data-print>.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
  // Waiting page of a report file: poll its status and show the download link when ready
  // (the page also has a <meta refresh> fallback).
  var box = document.getElementById("report-status");
  if (!box || !box.dataset.statusUrl || !window.fetch) return;
  var meta = document.querySelector('meta[http-equiv="refresh"]');
  if (meta) meta.parentNode.removeChild(meta);
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.ready || data.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1500);
})();
