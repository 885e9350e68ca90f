// Site-wide behaviour, no inline scripts (Content-Security-Policy friendly).
(function () {
  var root = document.documentElement;
  try {
    if (localStorage.getItem("largeText") === "1") root.classList.add("large-text");
  } catch (e) {}
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-large-text]");
    if (toggle) {
      toggle.setAttribute("aria-pressed", root.classList.contains("large-text") ? "true" : "false");
      toggle.addEventListener("click", function () {
        var on = root.classList.toggle("large-text");
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        try { localStorage.setItem("largeText", on ? "1" : "0"); } catch (e) {}
      });
    }
  });
})();
