/* A widget tells the page that frames it how tall its content is, so that the frame
   embed.js inserts fits it (a fiche's summary or a news list is longer in a narrow column,
   at 200 % zoom, or with a long title). Only the height leaves, to whichever page frames it:
   nothing of the widget is secret, and frame-ancestors already decides who may frame it. */
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  function tell() {
    var body = document.body;
    var style = window.getComputedStyle(body);
    var height = Math.ceil(body.getBoundingClientRect().height +
      parseFloat(style.marginTop) + parseFloat(style.marginBottom));
    if (height > 0 && height !== last) {
      last = height;
      window.parent.postMessage({ ecommuneWidgetHeight: height }, "*");
    }
  }
  if ("ResizeObserver" in window) {
    new window.ResizeObserver(tell).observe(document.body);
  } else {
    window.addEventListener("resize", tell);
  }
  window.addEventListener("load", tell);
})();
