// Skip logic for the questionnaire, as progressive enhancement: without JavaScript every
// question is shown. A question hides only when its rule (data-ask-if, the same rule the
// server uses) is known to be false; an unanswered question never hides another.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) return;
  var questions = Array.prototype.slice.call(form.querySelectorAll("[data-question]"));

  function valueOf(id) {
    var box = form.querySelector('[data-question="' + id + '"]');
    if (!box) return null;
    var type = box.getAttribute("data-type");
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input"));
    if (type === "multi") {
      var picked = inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
      var real = picked.filter(function (v) { return v !== "none"; });
      if (real.length) return real;
      return picked.length ? [] : null;
    }
    if (type === "integer" || type === "number") {
      var text = inputs[0].value.trim();
      return text === "" || isNaN(Number(text)) ? null : Number(text);
    }
    var checked = inputs.filter(function (i) { return i.checked; })[0];
    if (!checked || checked.value === "") return null;
    if (type === "yes_no") return checked.value === "yes";
    return checked.value;
  }

  // Three-valued logic: true, false or null (unknown).
  function test(rule) {
    if (rule.all) {
      var all = true;
      for (var a = 0; a < rule.all.length; a++) {
        var x = test(rule.all[a]);
        if (x === false) return false;
        if (x === null) all = null;
      }
      return all;
    }
    if (rule.any) {
      var any = false;
      for (var b = 0; b < rule.any.length; b++) {
        var y = test(rule.any[b]);
        if (y === true) return true;
        if (y === null) any = null;
      }
      return any;
    }
    if (rule.not) {
      var z = test(rule.not);
      return z === null ? null : !z;
    }
    var value = valueOf(rule.field);
    if ("known" in rule) return (value !== null) === rule.known;
    if (value === null) return "if_unknown" in rule ? rule.if_unknown : null;
    if ("is" in rule) return value === rule.is;
    if ("in" in rule) return rule.in.indexOf(value) !== -1;
    if ("any_of" in rule) return value.some(function (v) { return rule.any_of.indexOf(v) !== -1; });
    if ("gte" in rule) return value >= rule.gte;
    if ("gt" in rule) return value > rule.gt;
    if ("lte" in rule) return value <= rule.lte;
    if ("lt" in rule) return value < rule.lt;
    return null;
  }

  function update() {
    questions.forEach(function (box) {
      var rule = box.getAttribute("data-ask-if");
      if (!rule) return;
      var skip = test(JSON.parse(rule)) === false;
      box.hidden = skip;
      Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) {
        input.disabled = skip;
      });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
