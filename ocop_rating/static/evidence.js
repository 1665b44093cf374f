// Evidence in batches: several files per criterion (or Form 01 paper), chosen or dropped,
// sent together with a progress bar and no page reload; the reasons of refused files are
// shown beside the criterion. Without JavaScript each form is a plain multipart post.
(function () {
  "use strict";
  const REQUEST_SLACK = 64 * 1024;  // multipart headers and the form's other fields

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (m, key) => (key in values ? values[key] : m));
  }

  function formatSize(n) {
    const mb = n / (1024 * 1024);
    return (Number.isInteger(mb) ? mb : mb.toFixed(1)) + " MB";
  }

  function showErrors(slot, messages) {
    const box = slot.querySelector(".upload-errors");
    box.textContent = "";
    if (!messages.length) { box.hidden = true; return; }
    const list = document.createElement("ul");
    list.className = "mb-0 ps-3";
    for (const message of messages) {
      const li = document.createElement("li");
      li.textContent = message;
      list.appendChild(li);
    }
    box.appendChild(list);
    box.hidden = false;
  }

  function addRow(slot, form, file) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = file.url;
    link.textContent = file.name;
    li.appendChild(link);
    const del = document.createElement("form");
    del.className = "d-inline";
    del.method = "post";
    del.action = file.delete_url;
    const token = document.createElement("input");
    token.type = "hidden";
    token.name = "csrf_token";
    token.value = form.querySelector("[name=csrf_token]").value;
    const button = document.createElement("button");
    button.type = "submit";
    button.className = "btn btn-link btn-sm text-danger p-0 ms-2";
    button.textContent = form.dataset.msgDelete;
    del.append(token, button);
    li.append(" ", del);
    slot.querySelector(".evidence-list").appendChild(li);
  }

  function setCount(slot, count) {
    const holder = slot.closest("details, section");
    const counter = holder && holder.querySelector(".evidence-count");
    if (counter) counter.textContent = String(count);
  }

  // One POST with ``files``; resolves with {status, body}. Progress goes to ``onProgress``.
  function send(form, files, onProgress) {
    return new Promise(function (resolve, reject) {
      const data = new FormData();
      for (const input of form.querySelectorAll("input[type=hidden]")) {
        data.append(input.name, input.value);
      }
      const label = form.querySelector("[name=label]");
      if (label && files.length === 1) data.append("label", label.value);
      for (const file of files) data.append("file", file, file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) onProgress(event.loaded, event.total);
      });
      xhr.addEventListener("load", function () {
        let body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        resolve({status: xhr.status, body: body});
      });
      xhr.addEventListener("error", () => reject(new Error(form.dataset.msgFailed)));
      xhr.send(data);
    });
  }

  // Files split into requests that each stay under the server's request limit.
  function batches(files, maxRequest) {
    const out = [];
    let current = [], size = 0;
    for (const file of files) {
      if (current.length && size + file.size + REQUEST_SLACK > maxRequest) {
        out.push(current);
        current = [];
        size = 0;
      }
      current.push(file);
      size += file.size;
    }
    if (current.length) out.push(current);
    return out;
  }

  async function upload(form, fileList) {
    const slot = form.closest(".evidence-slot");
    const status = slot.querySelector(".upload-status");
    const progress = form.querySelector(".upload-progress");
    const button = form.querySelector("button[type=submit]");
    const maxFile = Number(form.dataset.maxFile);
    const maxRequest = Number(form.dataset.maxRequest);
    const errors = [];
    const files = [];
    for (const file of fileList) {
      if (file.size > maxFile) {  // told at once, never sent
        errors.push(fill(form.dataset.msgTooLarge, {name: file.name, limit: formatSize(maxFile)}));
      } else {
        files.push(file);
      }
    }
    showErrors(slot, errors);
    if (!files.length) return;
    const total = files.reduce((sum, f) => sum + f.size, 0) || 1;
    let done = 0, added = 0;
    progress.value = 0;
    progress.hidden = false;
    button.disabled = true;
    status.className = "upload-status small text-muted";
    status.textContent = form.dataset.msgUploading;
    try {
      for (const group of batches(files, maxRequest)) {
        const groupSize = group.reduce((sum, f) => sum + f.size, 0);
        const answer = await send(form, group, function (loaded, all) {
          progress.value = Math.min(100, 100 * (done + groupSize * loaded / all) / total);
        });
        done += groupSize;
        const body = answer.body || {};
        if (body.error) { errors.push(body.error.message); continue; }
        if (!answer.body) { errors.push(form.dataset.msgFailed); continue; }
        for (const file of body.added || []) addRow(slot, form, file);
        for (const refused of body.rejected || []) errors.push(refused.message);
        added += (body.added || []).length;
        setCount(slot, body.count);
      }
    } catch (err) {
      errors.push(err.message);
    }
    progress.value = 100;
    progress.hidden = true;
    button.disabled = false;
    showErrors(slot, errors);
    status.className = "upload-status small text-success";
    status.textContent = added ? "✓ " + fill(form.dataset.msgDone, {n: added}) : "";
    form.querySelector("input[type=file]").value = "";
    const label = form.querySelector("[name=label]");
    if (label && added) label.value = "";
  }

  for (const form of document.querySelectorAll("form.evidence-upload")) {
    const input = form.querySelector("input[type=file]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (input.files.length) upload(form, Array.from(input.files));
      else input.reportValidity();
    });
    form.addEventListener("dragover", function (event) {
      event.preventDefault();
      form.classList.add("drop-active");
    });
    form.addEventListener("dragleave", () => form.classList.remove("drop-active"));
    form.addEventListener("drop", function (event) {
      event.preventDefault();
      form.classList.remove("drop-active");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        upload(form, Array.from(event.dataTransfer.files));
      }
    });
  }
})();
