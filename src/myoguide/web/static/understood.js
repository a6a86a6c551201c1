// Progressive enhancement: a marked phrase moves focus to the answer it stands for (without
// JavaScript the link still scrolls there).
(function () {
  "use strict";
  document.querySelectorAll("a.found").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      var control = target && (target.querySelector("input:checked") || target.querySelector("input"));
      if (!control) return;
      event.preventDefault();
      target.scrollIntoView({ block: "start" });
      control.focus();
    });
  });
})();
