// Rating forms: show the name/phone fields only for a named rating; on-site QR forms fill the
// hidden latitude/longitude from the browser's geolocation before submitting. No inline JS.
(function () {
  function setupNamed(form) {
    var box = form.querySelector("[data-named-fields]");
    if (!box) return;
    function sync() {
      var named = form.querySelector("input[name=mode][value=named]");
      box.hidden = !(named && named.checked);
    }
    form.querySelectorAll("input[name=mode]").forEach(function (radio) {
      radio.addEventListener("change", sync);
    });
    sync();
  }

  function setupGeo(form) {
    if (!form.hasAttribute("data-geolocate")) return;
    var lat = form.querySelector("input[name=latitude]");
    var lng = form.querySelector("input[name=longitude]");
    var status = form.querySelector("[data-geo-status]");
    var pending = false;
    function locate(then) {
      if (!navigator.geolocation) {
        if (status) status.textContent = "浏览器不支持定位 (geolocation unavailable)";
        if (then) then();
        return;
      }
      pending = true;
      navigator.geolocation.getCurrentPosition(function (pos) {
        lat.value = pos.coords.latitude.toFixed(6);
        lng.value = pos.coords.longitude.toFixed(6);
        if (status) status.textContent = "已获取位置 (location obtained)";
        pending = false;
        if (then) then();
      }, function () {
        if (status) status.textContent = "未能获取位置，请允许定位后重试 (please allow location)";
        pending = false;
        if (then) then();
      }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    }
    locate(null);
    form.addEventListener("submit", function (event) {
      if (!lat.value && !pending) {
        event.preventDefault();
        locate(function () { form.submit(); });
      }
    });
  }

  // The profile page is shared by every visitor (cached), so it carries no captcha challenge:
  // one is fetched when the person starts rating, and "换一张" fetches another.
  function setupLazyCaptcha(form) {
    var box = form.querySelector("[data-captcha-lazy]");
    if (!box) return;
    var key = box.querySelector("input[name=captcha_0]");
    var image = box.querySelector("[data-captcha-image]");
    var refresh = box.querySelector("[data-captcha-refresh]");
    var help = box.querySelector("[data-captcha-help]");
    var loaded = false;
    function load() {
      loaded = true;
      var request = new XMLHttpRequest();
      request.open("GET", box.getAttribute("data-captcha-url"));
      request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      request.onload = function () {
        if (request.status !== 200) { loaded = false; return; }
        var data = JSON.parse(request.responseText);
        key.value = data.key;
        var img = document.createElement("img");
        img.src = data.image_url;
        img.alt = help ? help.getAttribute("data-alt") || "" : "";
        img.className = "captcha";
        image.textContent = "";
        image.appendChild(img);
        if (refresh) refresh.hidden = false;
        if (help) help.hidden = true;
      };
      request.onerror = function () { loaded = false; };
      request.send();
    }
    form.addEventListener("focusin", function () { if (!loaded) load(); });
    form.addEventListener("change", function () { if (!loaded) load(); });
    if (refresh) refresh.addEventListener("click", load);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-rating-form]").forEach(function (form) {
      setupNamed(form);
      setupGeo(form);
      setupLazyCaptcha(form);
    });
  });
})();
