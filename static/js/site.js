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

// Captcha "换一张" next to every server-rendered challenge (issue 21): a new image and key
// from django-simple-captcha's refresh view; the audio link (flite) follows the new key.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-captcha-refresh-url]").forEach(function (button) {
      var box = button.closest(".field") || button.parentNode;
      var img = box.querySelector("img.captcha");
      var key = box.querySelector("input[name$='captcha_0']");
      if (!img || !key) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var request = new XMLHttpRequest();
        request.open("GET", button.getAttribute("data-captcha-refresh-url"));
        request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
        request.onload = function () {
          if (request.status !== 200) return;
          var data = JSON.parse(request.responseText);
          key.value = data.key;
          img.src = data.image_url;
          var audio = img.closest("a");
          if (audio && data.audio_url) audio.href = data.audio_url;
          var answer = box.querySelector("input[name$='captcha_1']");
          if (answer) { answer.value = ""; answer.focus(); }
        };
        request.send();
      });
    });
  });
})();
