/* The script form of the commune's widgets (ecommune.widgets):
     <script src="https://<commune>/widgets/embed.js" data-widget="attente" async></script>
   puts the widget's <iframe> (titled, sized) right after this script element.
   data-widget: {% for slug in slugs %}{{ slug }}{% if not forloop.last %}, {% endif %}{% endfor %};
   data-motif (prochain-creneau) and data-fiche (fiche) name what it shows;
   data-title, data-width and data-height are optional. Without data-height the frame
   takes the height the widget reports (height.js, by postMessage), after a first one. */
(function () {
  "use strict";
  var WIDGETS = {{ config|safe }};
  var PARAM = new RegExp({{ pattern|safe }});
  var script = document.currentScript;
  if (!script) { return; }
  var widget = WIDGETS[script.getAttribute("data-widget") || ""];
  if (!widget) { return; }
  var path = widget.path;
  if (widget.param) {
    var value = script.getAttribute("data-" + widget.param) || "";
    if (!PARAM.test(value)) { return; }
    path = path.replace("__value__", encodeURIComponent(value));
  }
  var frame = document.createElement("iframe");
  // The widget comes from the site this script came from.
  frame.src = new URL(path, script.src).href;
  frame.title = script.getAttribute("data-title") || widget.title;
  frame.width = script.getAttribute("data-width") || "100%";
  frame.height = script.getAttribute("data-height") || String(widget.height);
  frame.loading = "lazy";
  frame.setAttribute("data-ecommune-widget", script.getAttribute("data-widget"));
  frame.style.border = "0";
  frame.style.maxWidth = "100%";
  script.parentNode.insertBefore(frame, script.nextSibling);
  if (script.getAttribute("data-height")) { return; }
  var origin = new URL(frame.src).origin;
  window.addEventListener("message", function (event) {
    // Only this frame's widget, from the portal's origin, and only a height.
    if (event.origin !== origin || event.source !== frame.contentWindow) { return; }
    var height = event.data && event.data.ecommuneWidgetHeight;
    if (typeof height === "number" && height > 0 && height <= 4000) {
      frame.height = String(Math.ceil(height));
    }
  });
})();
