// Forms marked data-command run their command over the live socket; without a socket they
// are posted as usual (the server runs the same command). Errors show in the nearest
// [data-error]; data-reset forms are cleared after success.
// The form's hidden `idem` is the submission's idempotency key: a retry (the socket, or the
// plain post after it) sends the same key; after a success the form gets a fresh one.
import { live, newKey } from "/static/js/live.js";

const SKIP = new Set(["csrf", "type", "back", "idem"]);
const BOOLEAN = new Set(["anonymous", "up", "approve", "live"]);
const NUMBER = new Set(["question_id", "into_id", "panel_id", "round_id", "reply_to_id", "contribution_id", "theme_id"]);
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

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-command]");
  if (!form || !live.isOpen()) return;
  event.preventDefault();
  const box = errorBox(form);
  if (box) box.hidden = true;
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  const idem = form.elements.idem;
  if (idem && !idem.value) idem.value = newKey();
  try {
    await live.command(form.dataset.command, commandData(form), idem ? idem.value : newKey());
    if (form.hasAttribute("data-reset")) form.reset();
    if (idem) idem.value = newKey();
    form.dispatchEvent(new CustomEvent("fair:command-done", { bubbles: true }));
  } catch (error) {
    if (error.code === "live.offline") { form.submit(); return; }
    if (box) { box.textContent = error.message; box.hidden = false; }
  } finally {
    if (button) button.disabled = false;
  }
});
