// Redraws the running-totals panel (templates/_macros/projection.html) from the server's
// answer: {parts: [{code, points, max}], total, star, missing: [], holding_back: {"3": [...]},
// stops: [{code, label}], unmet: [{code, label, stars, answered}], recognised}. The scoring
// screen's sticky summary (#score-summary) is redrawn from the same answer.
window.OcopProjection = (function () {
  "use strict";
  const lang = document.documentElement.lang || "vi";
  const fmt = (v) => { const s = Number(v).toFixed(1); return lang === "vi" ? s.replace(".", ",") : s; };
  const stars = (n) => n ? "★".repeat(n) + "☆".repeat(5 - n) : "—";

  // The projected star with its words, as templates/_macros/projection.html writes it.
  function drawStar(el, p, labels) {
    el.textContent = "";
    const stopped = p.stops && p.stops.length;
    if (stopped) {
      const s = document.createElement("span");
      s.className = "text-danger fw-semibold";
      s.textContent = labels.stopped;
      el.appendChild(s);
      return;
    }
    if (!p.star) { el.textContent = "—"; return; }
    const words = labels.starLabel.replace("__N__", p.star);
    const badge = document.createElement("span");
    badge.className = "star";
    badge.setAttribute("role", "img");
    badge.setAttribute("aria-label", words);
    badge.textContent = stars(p.star);
    el.appendChild(badge);
    el.appendChild(document.createTextNode(" "));
    const text = document.createElement("span");
    text.className = "star-words";
    text.textContent = words;
    if ((p.recognised !== undefined && !p.recognised) || p.star < 3) {
      text.appendChild(document.createTextNode(" — "));
      const no = document.createElement("span");
      no.className = "text-danger";
      no.textContent = labels.notRecognised;
      text.appendChild(no);
    }
    el.appendChild(text);
  }

  function renderSummary(p) {
    const bar = document.getElementById("score-summary");
    if (!bar) return;
    bar.querySelector("#summary-total").textContent = fmt(p.total);
    drawStar(bar.querySelector("#summary-star"), p, bar.dataset);
    bar.querySelector("#summary-missing").textContent = p.missing.length;
    const box = bar.querySelector("#summary-unmet-items");
    box.textContent = "";
    for (const u of p.unmet || []) {
      const a = document.createElement("a");
      a.href = "#item-" + u.code;
      a.className = u.answered ? "unmet-answered" : "unmet-open";
      a.textContent = u.code + " ";
      const small = document.createElement("span");
      small.className = "small";
      small.textContent = "(" + u.stars[0] + "★)";
      a.appendChild(small);
      box.appendChild(a);
    }
    bar.querySelector("#summary-unmet").classList.toggle("d-none", !(p.unmet || []).length);
  }

  function render(panel, p) {
    for (const part of p.parts) {
      const el = panel.querySelector(`[data-part="${part.code}"]`);
      if (el) el.textContent = fmt(part.points);
    }
    panel.querySelector("#total").textContent = fmt(p.total);
    drawStar(panel.querySelector("#projected-star"), p, panel.dataset);
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
    }
    renderSummary(p);
    const box = panel.querySelector("#holding-back");
    box.innerHTML = "";
    if (p.unmet) {  // the scoring screen: each criterion once, with the stars it holds back
      if (!p.unmet.length) return;
      const div = document.createElement("div");
      div.className = "mt-1";
      const strong = document.createElement("strong");
      strong.textContent = panel.dataset.unmetLabel;
      div.appendChild(strong);
      const ul = document.createElement("ul");
      ul.className = "mb-0";
      for (const u of p.unmet) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = "#item-" + u.code;
        a.textContent = u.code;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" " + u.label + " "));
        const muted = document.createElement("span");
        muted.className = "text-muted";
        muted.textContent = "(" + u.stars.map((s) => s + "★").join(", ") + ")";
        li.appendChild(muted);
        ul.appendChild(li);
      }
      div.appendChild(ul);
      box.appendChild(div);
      return;
    }
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
