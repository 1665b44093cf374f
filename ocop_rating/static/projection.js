// Redraws the running-totals panel (templates/_macros/projection.html) from the server's
// answer: {parts: [{code, points, max}], total, star, missing: [], holding_back: {"3": [...]},
// stops: [{code, label}]}.
window.OcopProjection = (function () {
  "use strict";
  const lang = document.documentElement.lang || "vi";
  const fmt = (v) => { const s = Number(v).toFixed(1); return lang === "vi" ? s.replace(".", ",") : s; };
  const stars = (n) => n ? "★".repeat(n) + "☆".repeat(5 - n) : "—";

  function render(panel, p) {
    for (const part of p.parts) {
      const el = panel.querySelector(`[data-part="${part.code}"]`);
      if (el) el.textContent = fmt(part.points);
    }
    panel.querySelector("#total").textContent = fmt(p.total);
    panel.querySelector("#projected-star").textContent = stars(p.star);
    panel.querySelector("#missing-count").textContent = p.missing.length;
    // Legal stops the choices meet: the sheet projects "not recognised", with the reason.
    const stops = document.getElementById("sheet-stops");
    if (stops && p.stops) {
      const ul = stops.querySelector("ul");
      ul.innerHTML = "";
      for (const s of p.stops) {
        const li = document.createElement("li");
        li.textContent = s.label;
        ul.appendChild(li);
      }
      stops.classList.toggle("d-none", p.stops.length === 0);
      if (p.stops.length) panel.querySelector("#projected-star").textContent = "—";
    }
    const box = panel.querySelector("#holding-back");
    box.innerHTML = "";
    for (const star of ["3", "4", "5"]) {
      const items = (p.holding_back || {})[star] || [];
      if (!items.length) continue;
      const div = document.createElement("div");
      div.className = "mt-1";
      const strong = document.createElement("strong");
      strong.textContent = panel.dataset.holdingLabel.replace("__N__", star);
      div.appendChild(strong);
      const ul = document.createElement("ul");
      ul.className = "mb-0";
      for (const h of items) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = "#item-" + h.code;
        a.textContent = h.code;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" " + h.label));
        ul.appendChild(li);
      }
      div.appendChild(ul);
      box.appendChild(div);
    }
  }

  function showState(card, cls, text) {
    const el = card ? card.querySelector(".save-state") : null;
    if (el) { el.className = "save-state small text-nowrap " + cls; el.textContent = text; }
  }

  return {render: render, showState: showState};
})();
