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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-rating-form]").forEach(function (form) {
      setupNamed(form);
      setupGeo(form);
    });
  });
})();
