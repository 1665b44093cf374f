// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Province -> commune cascade for any form with #province_code and #commune_code.
  const province = document.getElementById("province_code");
  const commune = document.getElementById("commune_code");
  const urlTemplate = document.body.dataset.communesUrl;
  if (province && commune && urlTemplate && province.tagName === "SELECT") {
    province.addEventListener("change", async function () {
      const placeholder = commune.options[0];
      commune.innerHTML = "";
      commune.appendChild(placeholder);
      if (!province.value) return;
      const res = await fetch(urlTemplate.replace("__", encodeURIComponent(province.value)),
                              {headers: {"Accept": "application/json"}});
      if (!res.ok) return;
      for (const c of await res.json()) {
        const opt = document.createElement("option");
        opt.value = c.code;
        opt.textContent = c.name;
        commune.appendChild(opt);
      }
    });
  }
})();

// Confirmation before a grave action: <form data-confirm="…"> or <button data-confirm="…">.
// (Replaces inline onsubmit/onclick handlers, which the Content-Security-Policy forbids.)
// Capture phase, so a cancelled confirmation stops the submit before any other listener.
document.addEventListener("submit", function (event) {
  const form = event.target;
  const button = event.submitter;
  const message = (button && button.dataset && button.dataset.confirm) || form.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);
