/* Live queue figures without reloading the page: every 30 seconds the page is fetched
   again and the content of each [data-live] region is replaced by the fresh one (the
   regions are aria-live="polite"). Without JavaScript the page has a "refresh" link.
   On the kiosk, [data-return-url] brings the start page back after a ticket. */
(function () {
  "use strict";
  var PERIOD = 30000;
  var regions = document.querySelectorAll("[data-live]");
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        regions.forEach(function (region) {
          var twin = fresh.querySelector('[data-live="' + region.getAttribute("data-live") + '"]');
          if (twin && twin.innerHTML !== region.innerHTML) { region.innerHTML = twin.innerHTML; }
        });
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  if (regions.length) { window.setInterval(refresh, PERIOD); }
  var back = document.querySelector("[data-return-url]");
  if (back) {
    window.setTimeout(function () {
      window.location.assign(back.getAttribute("data-return-url"));
    }, 15000);
  }
})();
