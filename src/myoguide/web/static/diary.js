// The diary's forms: tell the server this device's UTC offset and today's date, so that an
// episode logged "now" keeps the local time. Without this script the server's guess stands.
(function () {
  "use strict";
  var now = new Date();
  var offset = String(-now.getTimezoneOffset());
  document.querySelectorAll("[data-utc-offset]").forEach(function (field) {
    if (!field.closest("form").querySelector("[name=at]").value) {
      field.value = offset;
    }
  });
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  document.querySelectorAll("[data-today]").forEach(function (field) { field.value = today; });
}());
