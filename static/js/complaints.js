/* Complaint desk: roster autocomplete, show only the fields that apply, printable receipt. */
(function () {
  "use strict";

  function fieldBox(form, name) {
    return form.querySelector('[data-field="' + name + '"]');
  }

  function checked(form, name) {
    var el = form.querySelector('input[name="' + name + '"]:checked');
    return el ? el.value : null;
  }

  function toggle(form) {
    var subject = checked(form, "subject_kind");
    var anonymous = checked(form, "anonymous");
    var show = {
      official_label: subject === "official",
      unit: subject === "unit",
      contact_name: anonymous === "0",
      contact_phone: anonymous === "0",
      contact_email: anonymous === "0",
      notify_email: anonymous !== "0"
    };
    Object.keys(show).forEach(function (name) {
      var box = fieldBox(form, name);
      if (!box) { return; }
      // keep a field visible when it carries an error message
      box.hidden = !show[name] && !box.querySelector(".errorlist");
    });
  }

  function autocomplete(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-official-autocomplete");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.split("·")[0].trim();
      if (!q || !list) { return; }
      timer = setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            list.innerHTML = "";
            data.results.forEach(function (o) {
              var opt = document.createElement("option");
              opt.value = o.label;
              list.appendChild(opt);
            });
          })
          .catch(function () { /* the server also resolves a typed name */ });
      }, 200);
    });
  }

  function receiptText(box) {
    function get(sel) { var el = box.querySelector(sel); return el ? el.textContent.trim() : ""; }
    return [
      "受理编号: " + get("[data-receipt-number]"),
      "查询码: " + get("[data-receipt-code]"),
      // the signed time as signed (ISO), the form the proof check asks for
      "提交时间: " + ((box.querySelector("[data-receipt-time]") || {}).getAttribute ?
        box.querySelector("[data-receipt-time]").getAttribute("datetime") : ""),
      "内容摘要(SHA-256): " + get("[data-receipt-digest]"),
      "签名: " + get("[data-receipt-signature]"),
      "查询地址: " + window.location.origin + "/complaints/track/"
    ].join("\n");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-complaint-form]") ||
      document.querySelector('form input[name="subject_kind"]') && document.querySelector('input[name="subject_kind"]').form;
    if (form) {
      toggle(form);
      form.addEventListener("change", function () { toggle(form); });
    }
    document.querySelectorAll("[data-official-autocomplete]").forEach(autocomplete);
    document.querySelectorAll("[data-print]").forEach(function (btn) {
      btn.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("[data-download-receipt]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var box = document.querySelector("[data-receipt]");
        var blob = new Blob([receiptText(box)], { type: "text/plain;charset=utf-8" });
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = "receipt.txt";
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    });
  });
})();
