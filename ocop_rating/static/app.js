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

// A form with data-confirm asks before it is sent (no inline handlers: CSP).
document.addEventListener("submit", function (event) {
  const form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
}, true);
