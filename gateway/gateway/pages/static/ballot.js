/* The ballot pages, enhanced (every step also works without this file):
   - /b#<token> (the token QR code): the token moves from the fragment into the form, leaves
     the address bar and history, and the form is posted. The fragment never reached a server.
   - the ballot: no more than K approvals — the one over the limit is undone and said so
     (the server refuses such a ballot too).
   - the confirm step: the cast is posted in the background; a lost connection keeps the page
     and says so, and "确认投票" again sends the same token, which the server counts once. */
(function () {
  "use strict";
  var TOKEN = /^[CBT][0-9A-HJKMNP-TV-Z]{32}$/;

  function enter(form) {
    var token = decodeURIComponent(window.location.hash.slice(1)).trim().toUpperCase();
    if (!token) return;
    history.replaceState(null, "", window.location.pathname);
    if (!TOKEN.test(token)) return;
    form.elements.token.value = token;
    form.submit();
  }

  function limit(form) {
    var max = parseInt(form.dataset.max, 10);
    if (isNaN(max)) return;
    var shown = document.getElementById("approved");
    var warning = document.getElementById("limit");
    function approvals() {
      return form.querySelectorAll('input[value="approve"]:checked').length;
    }
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.value === "approve" && input.checked && approvals() > max) {
        input.checked = false;
        if (input.type === "radio") {
          var abstain = form.querySelector('input[name="' + CSS.escape(input.name) + '"][value="abstain"]');
          if (abstain) abstain.checked = true;
        }
        warning.hidden = false;
      } else if (approvals() < max) {
        warning.hidden = true;
      }
      shown.textContent = String(approvals());
    });
  }

  function cast(form) {
    var offline = document.getElementById("offline");
    var sending = false;
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (!button || button.value !== "cast") return; // "返回修改": an ordinary post
      event.preventDefault();
      if (sending) return;
      sending = true;
      button.disabled = true;
      var data = new FormData(form);
      data.set("step", "cast");
      fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (response.redirected) {
            window.location.assign(response.url);
          } else {
            // Refused (the page with the API's message): post it the ordinary way to show it;
            // a refused cast counted nothing, the same token answers the same again.
            sending = false;
            button.disabled = false;
            var field = document.createElement("input");
            field.type = "hidden";
            field.name = "step";
            field.value = "cast";
            form.appendChild(field);
            form.submit();
          }
        })
        .catch(function () {
          sending = false;
          button.disabled = false;
          offline.hidden = false;
          offline.focus();
        });
    });
  }

  var form;
  if ((form = document.getElementById("enter"))) enter(form);
  if ((form = document.getElementById("ballot"))) limit(form);
  if ((form = document.getElementById("confirm"))) cast(form);
})();
