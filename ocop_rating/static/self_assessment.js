// Self-assessment (Form 02): every choice is saved as it is made and the running totals,
// projected star and the minimums holding it back are redrawn from the server's answer.
// Without JavaScript the page is a plain form with a save button.
(function () {
  "use strict";
  const form = document.getElementById("claims");
  const panel = document.getElementById("projection");
  if (!form || !panel || !form.dataset.autosave) return;
  const render = (p) => window.OcopProjection.render(panel, p);

  async function save(code, card) {
    const state = card.querySelector(".save-state");
    const data = new FormData();
    data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    const chosen = document.querySelector(`input[form=claims][name="item-${CSS.escape(code)}"]:checked`);
    const caseRadio = document.querySelector(`input[form=claims][name="case-${CSS.escape(code)}"]:checked`);
    data.append("item-" + code, chosen ? chosen.value : "");
    if (caseRadio) data.append("case-" + code, caseRadio.value);
    state.className = "save-state small text-nowrap text-muted";
    state.textContent = panel.dataset.saving;
    try {
      const res = await fetch(form.dataset.autosave, {method: "POST", body: data,
                                                       headers: {"Accept": "application/json"}});
      const body = await res.json();
      if (!res.ok) throw new Error(body.error ? body.error.message : res.statusText);
      render(body.projection);
      state.className = "save-state small text-nowrap text-success";
      state.textContent = "✓ " + panel.dataset.saved;
    } catch (err) {
      state.className = "save-state small text-nowrap text-danger";
      state.textContent = panel.dataset.failed + (err.message ? " (" + err.message + ")" : "");
    }
  }

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (input.getAttribute("form") !== "claims") return;
    const card = input.closest(".sheet-item");
    if (!card) return;
    const code = card.dataset.code;
    if (input.name.startsWith("item-") && input.dataset.case) {
      // An option of a two-case section: choosing it chooses its case too.
      const caseInput = document.getElementById(`c-${code}-${input.dataset.case}`);
      if (caseInput) caseInput.checked = true;
    }
    if (input.name.startsWith("case-")) {
      // A new case: options of the other case no longer apply.
      for (const opt of card.querySelectorAll(`input[name="item-${CSS.escape(code)}"]`)) {
        if (opt.dataset.case !== input.value) opt.checked = false;
      }
    }
    save(code, card);
  });
})();
