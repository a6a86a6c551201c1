// The Print button needs JavaScript, so it stays hidden without it (the page prints anyway).
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
