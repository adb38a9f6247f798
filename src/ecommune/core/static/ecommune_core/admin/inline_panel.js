// Wagtail's inline panels start from an inline <script>, which the kit's Content Security
// Policy refuses: ecommune_core/admin/inline_panel.html gives their options in a data
// attribute instead, and this file starts them (window.InlinePanel is Wagtail's, core.js).
(function () {
  function start() {
    document.querySelectorAll("[data-ecommune-inline-panel]").forEach(function (element) {
      if (element.dataset.started) {
        return;
      }
      element.dataset.started = "1";
      new window.InlinePanel(JSON.parse(element.dataset.ecommuneInlinePanel));
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
