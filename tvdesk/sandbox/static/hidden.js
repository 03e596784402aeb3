/* Sandbox tvdesk — hidden webphone loader (demo). Creates the iframe inside
 * #widget-evoline-api-container and exposes it as the global `webphone`. */
(function () {
  "use strict";
  var src = {{IFRAME_URL_JSON}};
  function install() {
    var box = document.getElementById("widget-evoline-api-container");
    if (!box) {
      box = document.createElement("div");
      box.id = "widget-evoline-api-container";
      box.style.display = "none";
      document.body.appendChild(box);
    }
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.allow = "microphone";
    frame.title = "Sandbox tvdesk — webphone de demonstração";
    box.appendChild(frame);
    window.webphone = frame;
  }
  if (document.body) install();
  else document.addEventListener("DOMContentLoaded", install);
})();
