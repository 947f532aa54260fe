// Progressive enhancement for the desk form: show the help question only for individual
// support, and the "referred to" fields only for a referral. Without JS everything shows.
(function () {
  "use strict";
  var question = document.getElementById("help-question");
  if (!question) return;
  function field(name) {
    var input = document.querySelector("[name='" + name + "']");
    return input ? input.closest(".field") : null;
  }
  function checked(name) {
    var input = document.querySelector("[name='" + name + "']:checked");
    return input ? input.value : "";
  }
  function update() {
    var service = checked("form_of_service") || "individual_support";
    question.hidden = service !== "individual_support";
    var outcome = checked("q-outcome");
    var external = outcome === "referred_external";
    [field("q-referred_to_organisation"), field("q-referred_to_text")].forEach(function (el) {
      if (el) el.hidden = !external;
    });
    var internal = field("q-referred_internal_to");
    if (internal) internal.hidden = outcome !== "referred_internal";
  }
  document.addEventListener("change", update);
  update();
})();
