// Forms marked data-command run their command over the live socket; without a socket they
// are posted as usual (the server runs the same command). Errors show in the nearest
// [data-error]; data-reset forms are cleared after success, and `fair:command-done` carries
// the command's reply (event.detail).
// The form's hidden `idem` is the submission's idempotency key: a retry (the socket, or the
// plain post after it) sends the same key; after a success the form gets a fresh one.
//
// Forms marked data-keep never lose what was typed: their text fields are kept as a draft in
// sessionStorage while typed (restored after a reload), and a submission made while the
// browser is offline waits in an outbox (sessionStorage too) and is sent over the socket,
// with its key, as soon as the socket is open again: the server runs it exactly once.
import { live, newKey } from "/static/js/live.js";

const SKIP = new Set(["csrf", "type", "back", "idem"]);
const BOOLEAN = new Set(["anonymous", "up", "approve", "live", "pinned", "locked", "focal", "share_details"]);
const NUMBER = new Set([
  "question_id", "into_id", "panel_id", "round_id", "reply_to_id", "contribution_id", "quote_id",
  "content_id", "discussion_id", "thread_id", "user_id", "to_thread_id", "to_round_id", "group_size",
  "theme_id", "booth_id",
]);
const DRAFTS = `fair:drafts:${location.pathname}`;
const OUTBOX = `fair:outbox:${location.pathname}`;
const ID_LIST = /_ids$/; // checkboxes of ids (cited_ids, question_ids): a list of numbers

function commandData(form) {
  const data = {};
  for (const [name, raw] of new FormData(form)) {
    if (SKIP.has(name) || typeof raw !== "string") continue;
    if (BOOLEAN.has(name)) data[name] = raw === "1" || raw === "on" || raw === "true";
    else if (NUMBER.has(name)) data[name] = raw === "" ? null : Number(raw);
    else if (ID_LIST.test(name)) (data[name] ??= []).push(Number(raw));
    else if (form.elements[name]?.dataset?.list !== undefined) data[name] = raw.split(",").map((t) => t.trim()).filter(Boolean);
    else data[name] = raw;
  }
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    if (BOOLEAN.has(box.name) && !box.checked) data[box.name] = false;
    if (ID_LIST.test(box.name) && !(box.name in data)) data[box.name] = [];
  }
  return data;
}

function errorBox(form) {
  return form.querySelector("[data-error]") || document.querySelector("[data-error]");
}

// A refusal naming fields (`error.fields`, by the form's field names, with `error.labels`
// their human names) marks each field as the server-rendered forms do: aria-invalid, and
// aria-describedby pointing at its message beside it.
function clearFieldErrors(form) {
  for (const note of form.querySelectorAll("[data-field-error]")) note.remove();
  for (const field of form.querySelectorAll("[aria-invalid][data-marked]")) {
    field.removeAttribute("aria-invalid");
    const rest = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.startsWith("error-"));
    if (rest.length) field.setAttribute("aria-describedby", rest.join(" "));
    else field.removeAttribute("aria-describedby");
    delete field.dataset.marked;
  }
}

function showError(form, box, error) {
  clearFieldErrors(form);
  const named = Object.entries(error.fields || {});
  const lines = [];
  for (const [name, message] of named) {
    const label = (error.labels || {})[name] || name;
    lines.push(`${label}: ${message}`);
    const found = form.elements[name.split(".")[0]];
    const field = found instanceof RadioNodeList ? found[0] : found;
    if (!field || field.type === "hidden") continue;
    const id = `error-${name}`.replace(/[^A-Za-z0-9_.-]/g, "-");
    if (document.getElementById(id)) continue;
    const note = document.createElement("span");
    note.className = "field-error";
    note.id = id;
    note.dataset.fieldError = "";
    note.textContent = message;
    field.insertAdjacentElement("afterend", note);
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), id].filter(Boolean).join(" "));
    field.dataset.marked = "";
  }
  if (box) {
    box.textContent = [error.message, ...lines].join(" ");
    box.hidden = false;
  }
}

// --- Drafts and the outbox (forms marked data-keep) -----------------------------------------

function readStore(name, fallback) {
  try { return JSON.parse(window.sessionStorage.getItem(name)) ?? fallback; } catch { return fallback; }
}

function writeStore(name, value) {
  try { window.sessionStorage.setItem(name, JSON.stringify(value)); } catch { /* storage full or off: the page still holds the text */ }
}

// A kept form is known by its first text field's id (`post-3`, `reply-12`): stable across reloads.
function keptName(form) {
  return form.querySelector("textarea[id], input[type=text][id]")?.id || null;
}

function keptFields(form) {
  return [...form.querySelectorAll("textarea[name], input[type=text][name]")];
}

function saveDraft(form) {
  const name = keptName(form);
  if (!name) return;
  const drafts = readStore(DRAFTS, {});
  const values = Object.fromEntries(keptFields(form).map((field) => [field.name, field.value]));
  if (Object.values(values).some((value) => value.trim())) drafts[name] = values;
  else delete drafts[name];
  writeStore(DRAFTS, drafts);
}

function dropDraft(form) {
  const name = keptName(form);
  if (!name) return;
  const drafts = readStore(DRAFTS, {});
  delete drafts[name];
  writeStore(DRAFTS, drafts);
}

function restoreDrafts() {
  const drafts = readStore(DRAFTS, {});
  for (const [name, values] of Object.entries(drafts)) {
    const form = document.getElementById(name)?.form;
    if (!form) continue;
    for (const field of keptFields(form)) {
      if (!field.value && values[field.name]) field.value = values[field.name];
    }
  }
}

function outboxStatus(form, text) {
  const status = form?.querySelector("[data-outbox-status]");
  if (!status) return;
  status.textContent = text || "";
  status.hidden = !text;
}

function queue(form, text = null) {
  const name = keptName(form);
  const idem = form.elements.idem;
  if (idem && !idem.value) idem.value = newKey();
  const entry = { form: name, type: form.dataset.command, data: commandData(form), key: idem ? idem.value : newKey() };
  const outbox = readStore(OUTBOX, []).filter((kept) => kept.key !== entry.key);
  outbox.push(entry);
  writeStore(OUTBOX, outbox);
  saveDraft(form);
  outboxStatus(form, text || form.dataset.textQueued || "You are offline: this is kept and will be sent when the connection is back.");
}

// No socket, but maybe a server: the kept form is posted by fetch rather than by the browser,
// so that a server out of reach (a network error, or a proxy's 502/503/504) keeps the text
// here, queued for the socket, instead of leaving the person on the browser's error page.
async function post(form) {
  const idem = form.elements.idem;
  if (idem && !idem.value) idem.value = newKey();
  let response;
  try {
    response = await fetch(form.action, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: { Accept: "text/html" },
    });
  } catch {
    response = null;
  }
  if (response === null || [502, 503, 504].includes(response.status)) {
    queue(form, form.dataset.textUnsent);
    return;
  }
  if (response.redirected) {
    dropDraft(form);
    location.assign(response.url);
    return;
  }
  const html = await response.text();
  if (response.ok) {
    dropDraft(form);
    document.open(); document.write(html); document.close();
    return;
  }
  // Refused: the server's reason shows in the form, and the text stays as typed.
  const page = new DOMParser().parseFromString(html, "text/html");
  const reason = page.querySelector(".form-error")?.textContent.trim() || response.statusText;
  const box = errorBox(form);
  if (box) { box.textContent = reason; box.hidden = false; }
}

function succeeded(form, reply) {
  dropDraft(form);
  clearFieldErrors(form);
  if (form.hasAttribute("data-reset")) form.reset();
  if (form.elements.idem) form.elements.idem.value = newKey();
  if (form.hasAttribute("data-report")) {
    // A report is acknowledged in place: the form gives way to its thank-you line.
    form.hidden = true;
    const done = form.parentElement.querySelector("[data-report-done]");
    if (done) done.hidden = false;
  }
  form.dispatchEvent(new CustomEvent("fair:command-done", { bubbles: true, detail: reply }));
}

let flushing = false;

async function flushOutbox() {
  if (flushing || !live.isOpen()) return;
  flushing = true;
  try {
    for (const entry of readStore(OUTBOX, [])) {
      const form = entry.form ? document.getElementById(entry.form)?.form : null;
      try {
        const reply = await live.command(entry.type, entry.data, entry.key);
        if (form) { outboxStatus(form, ""); succeeded(form, reply); }
      } catch (error) {
        if (error.code === "live.offline") return; // still away: kept for the next open
        if (form) { showError(form, errorBox(form), error); outboxStatus(form, ""); }
      }
      writeStore(OUTBOX, readStore(OUTBOX, []).filter((kept) => kept.key !== entry.key));
    }
  } finally {
    flushing = false;
  }
}

document.addEventListener("input", (event) => {
  const form = event.target.closest?.("form[data-keep]");
  if (form && event.target.matches("textarea, input[type=text]")) saveDraft(form);
});
document.addEventListener("fair:live-open", () => { flushOutbox(); });
restoreDrafts();
for (const entry of readStore(OUTBOX, [])) {
  const form = entry.form ? document.getElementById(entry.form)?.form : null;
  if (form) outboxStatus(form, form.dataset.textQueued || "You are offline: this is kept and will be sent when the connection is back.");
}
flushOutbox();

// --- Submitting -----------------------------------------------------------------------------

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-command]");
  if (!form) return;
  const keep = form.hasAttribute("data-keep");
  if (!live.isOpen()) {
    // No socket: a plain post, unless the form keeps its text: then it waits in the outbox
    // (the browser is offline) or is posted by fetch, whose failure keeps it too.
    if (!keep) return;
    event.preventDefault();
    if (navigator.onLine === false) queue(form);
    else post(form);
    return;
  }
  event.preventDefault();
  const box = errorBox(form);
  if (box) box.hidden = true;
  clearFieldErrors(form);
  const button = form.querySelector("button[type=submit]");
  // A disabled button loses focus: a keyboard user who pressed it gets it back afterwards.
  const focused = button !== null && document.activeElement === button;
  if (button) button.disabled = true;
  const idem = form.elements.idem;
  if (idem && !idem.value) idem.value = newKey();
  try {
    const reply = await live.command(form.dataset.command, commandData(form), idem ? idem.value : newKey());
    succeeded(form, reply);
  } catch (error) {
    if (error.code === "live.offline") {
      // The socket went away with the command on it: it may have run. The same key makes a
      // second run answer with the first result, over the socket later or a plain post now.
      if (keep && navigator.onLine === false) queue(form);
      else if (keep) post(form);
      else form.submit();
      return;
    }
    showError(form, box, error);
  } finally {
    if (button) button.disabled = false;
    const lost = !document.activeElement || document.activeElement === document.body;
    if (focused && lost && button.isConnected) button.focus({ preventScroll: true });
  }
});
