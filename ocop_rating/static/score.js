// The council member's scoring sheet. Every change is saved at once, one request after the
// other, each carrying the sheet version it was based on (optimistic locking). Changes not
// yet confirmed by the server are kept in localStorage, so a dropped connection, a reload or
// a closed tab loses nothing: they are re-sent when the page is back or the network returns.
(function () {
  "use strict";
  const form = document.getElementById("score");
  const panel = document.getElementById("projection");
  if (!form || !panel) return;
  const versionInput = document.getElementById("sheet-version");
  const key = "ocop-score-pending:" + form.action;
  let queue = Promise.resolve();
  let timers = {};

  function pending() {
    try { return JSON.parse(localStorage.getItem(key) || "{}"); } catch (e) { return {}; }
  }
  function setPending(p) {
    try {
      if (Object.keys(p).length) localStorage.setItem(key, JSON.stringify(p));
      else localStorage.removeItem(key);
    } catch (e) { /* private mode: saving still works, only the offline copy is lost */ }
  }

  function fieldsOf(code) {
    // The current values of one item (or "overall"/"knockouts") as form fields.
    const out = {};
    if (code === "overall") { out["overall_comment"] = document.getElementById("overall_comment").value; return out; }
    if (code === "knockouts") {
      out["knockouts-present"] = "1";
      out["knockout"] = Array.from(document.querySelectorAll("input.knockout:checked")).map((i) => i.value);
      return out;
    }
    const esc = CSS.escape(code);
    const chosen = document.querySelector(`input[form=score][name="item-${esc}"]:checked`);
    const caseRadio = document.querySelector(`input[form=score][name="case-${esc}"]:checked`);
    out["item-" + code] = chosen ? chosen.value : "";
    if (caseRadio) out["case-" + code] = caseRadio.value;
    const comment = document.querySelector(`textarea[name="comment-${esc}"]`);
    if (comment) out["comment-" + code] = comment.value;
    return out;
  }

  function stateOf(code) {
    const card = document.getElementById("item-" + code);
    return card ? card.querySelector(".save-state") : null;
  }
  function show(code, cls, text) {
    const el = stateOf(code);
    if (el) { el.className = "save-state small text-nowrap " + cls; el.textContent = text; }
  }

  function render(sheet) {
    versionInput.value = sheet.version;
    for (const m of document.querySelectorAll(".version-mirror")) m.value = sheet.version;
    window.OcopProjection.render(panel, sheet);
  }

  function applyServerEntries(sheet, except) {
    // Another tab or device changed the sheet: show what the server holds now.
    for (const [code, e] of Object.entries(sheet.entries)) {
      if (except.has(code)) continue;
      const esc = CSS.escape(code);
      for (const r of document.querySelectorAll(`input[form=score][name="item-${esc}"]`)) {
        r.checked = e.option !== null && String(e.option) === r.value && (!r.dataset.case || r.dataset.case === e.case);
      }
      for (const r of document.querySelectorAll(`input[form=score][name="case-${esc}"]`)) r.checked = r.value === e.case;
      const c = document.querySelector(`textarea[name="comment-${esc}"]`);
      if (c && document.activeElement !== c) c.value = e.comment || "";
    }
  }

  async function send(code, retry) {
    const fields = pending()[code] || fieldsOf(code);
    const data = new FormData();
    data.append("csrf_token", form.querySelector("[name=csrf_token]").value);
    data.append("version", versionInput.value);
    for (const [k, v] of Object.entries(fields)) {
      if (Array.isArray(v)) v.forEach((x) => data.append(k, x)); else data.append(k, v);
    }
    show(code, "text-muted", panel.dataset.saving);
    let res, body;
    try {
      res = await fetch(form.action, {method: "POST", body: data, headers: {"Accept": "application/json"}});
      if (res.status === 503 || res.status === 429 || res.status === 502 || res.status === 504) {
        // The server is busy (or a proxy could not reach it): nothing was saved. The change
        // stays pending and is sent again after the delay the server asks for.
        retryLater(code, res.headers.get("Retry-After"));
        return false;
      }
      body = await res.json();
    } catch (err) {
      retryLater(code, null);
      return false;  // stays pending; re-sent when the network is back
    }
    retries[code] = 0;
    if (res.ok) {
      const p = pending(); delete p[code]; setPending(p);
      render(body.sheet);
      show(code, "text-success", "✓ " + panel.dataset.saved);
      return true;
    }
    if (res.status === 409 && body.sheet) {
      render(body.sheet);
      applyServerEntries(body.sheet, new Set(Object.keys(pending())));
      if (body.sheet.status !== "draft") {
        const p = pending(); delete p[code]; setPending(p);
        show(code, "text-danger", body.error.message);
        return false;
      }
      if (!retry) return send(code, true);  // this change was made last: it wins for its item
      show(code, "text-warning", panel.dataset.conflict);
      return false;
    }
    const p = pending(); delete p[code]; setPending(p);
    show(code, "text-danger", body && body.error ? body.error.message : panel.dataset.failed);
    return false;
  }

  // Busy server or dropped connection: keep the change, try again (Retry-After seconds,
  // else 2, 4, 8 … up to 30 s). The 10-second flush and the "online" event also resend it.
  const retries = {};
  function retryLater(code, retryAfter) {
    show(code, "text-danger", panel.dataset.failed);
    const n = retries[code] = (retries[code] || 0) + 1;
    const asked = parseInt(retryAfter, 10);
    const seconds = Math.min(30, asked > 0 ? asked : 2 ** Math.min(n, 5));
    clearTimeout(timers[code]);
    timers[code] = setTimeout(() => {
      if (pending()[code]) queue = queue.then(() => send(code, false));
    }, seconds * 1000);
  }

  function schedule(code, delay) {
    const p = pending(); p[code] = fieldsOf(code); setPending(p);
    clearTimeout(timers[code]);
    timers[code] = setTimeout(() => { queue = queue.then(() => send(code, false)); }, delay);
  }

  function flush() {
    for (const code of Object.keys(pending())) queue = queue.then(() => send(code, false));
  }

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (input.getAttribute("form") !== "score") return;
    if (input.classList.contains("knockout")) return schedule("knockouts", 0);
    if (input.id === "overall_comment") return schedule("overall", 0);
    const card = input.closest(".sheet-item");
    if (!card) return;
    const code = card.dataset.code;
    if (input.name.startsWith("item-") && input.dataset.case) {
      const c = document.getElementById(`c-${code}-${input.dataset.case}`);
      if (c) c.checked = true;
    }
    if (input.name.startsWith("case-")) {
      for (const o of card.querySelectorAll(`input[name="item-${CSS.escape(code)}"]`)) {
        if (o.dataset.case !== input.value) o.checked = false;
      }
    }
    schedule(code, 0);
  });
  document.addEventListener("input", function (event) {
    const t = event.target;
    if (t.tagName !== "TEXTAREA" || t.getAttribute("form") !== "score") return;
    if (t.id === "overall_comment") return schedule("overall", 800);
    const card = t.closest(".sheet-item");
    if (card) schedule(card.dataset.code, 800);
  });

  // Changes left from a closed tab or a dropped connection: show them and send them.
  const left = pending();
  for (const [code, fields] of Object.entries(left)) {
    if (code === "overall" || code === "knockouts") continue;
    const esc = CSS.escape(code);
    for (const r of document.querySelectorAll(`input[form=score][name="item-${esc}"]`)) {
      r.checked = fields["item-" + code] === r.value && (!r.dataset.case || r.dataset.case === fields["case-" + code]);
    }
    const c = document.querySelector(`textarea[name="comment-${esc}"]`);
    if (c && fields["comment-" + code] !== undefined) c.value = fields["comment-" + code];
  }
  flush();
  window.addEventListener("online", flush);
  setInterval(() => { if (Object.keys(pending()).length) flush(); }, 10000);
  const submit = document.getElementById("submit-sheet");
  if (submit) submit.form.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;  // the confirmation was declined
    if (Object.keys(pending()).length) {
      event.preventDefault();
      flush();
      queue.then(() => { if (!Object.keys(pending()).length) submit.form.submit(); });
    }
  });
})();
