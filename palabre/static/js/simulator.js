// Phone simulator: the forms work without JavaScript (full page reloads); with it, each form is sent in the
// background and only the phone is redrawn, keeping the focus in the input.
(function () {
  "use strict";
  var phone = document.getElementById("simulator-phone");
  if (!phone || !window.fetch || !window.FormData) { return; }
  phone.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-simulator")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
    // getAttribute: the form has a button named "action", which form.action would return instead of the URL.
    fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { "X-Simulator": "1" }, credentials: "same-origin" })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.text(); })
      .then(function (html) {
        phone.innerHTML = html;
        var input = phone.querySelector("#sim-input");
        if (input) { input.focus(); }
      })
      .catch(function () { window.location.reload(); });
  });
})();
