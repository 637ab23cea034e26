// The people picker (templates/_people_picker.html): a field of e-mails becomes an ARIA
// combobox. What is typed after the last comma is searched (name, e-mail, organisation,
// country); the matches are a listbox (arrow keys, Enter, Escape, or a click), and choosing one
// puts that person's e-mail in place of what was typed. Without this script, or when the search
// cannot be reached, the field simply takes the e-mails typed into it.
const WAIT_MS = 200;
const MIN_LENGTH = 2;

function setUp(root) {
  const field = root.querySelector("input");
  const list = root.querySelector("[role=listbox]");
  const status = root.querySelector("[data-picker-status]");
  const multiple = root.dataset.multiple === "true";
  const hint = field.getAttribute("aria-describedby");
  if (hint && root.dataset.textHint) document.getElementById(hint).textContent = root.dataset.textHint;
  field.setAttribute("role", "combobox");
  field.setAttribute("aria-autocomplete", "list");
  field.setAttribute("aria-expanded", "false");
  field.setAttribute("aria-controls", list.id);
  let matches = [];
  let active = -1;
  let timer = 0;
  let asked = 0;

  const parts = () => {
    const value = field.value;
    const cut = multiple ? Math.max(value.lastIndexOf(","), value.lastIndexOf(";")) + 1 : 0;
    return { before: value.slice(0, cut), typed: value.slice(cut).trim() };
  };

  function close() {
    matches = [];
    active = -1;
    list.replaceChildren();
    list.hidden = true;
    field.setAttribute("aria-expanded", "false");
    field.removeAttribute("aria-activedescendant");
  }

  function show() {
    list.replaceChildren(
      ...matches.map((person, index) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", String(index === active));
        const name = document.createElement("strong");
        name.textContent = person.name;
        const more = [person.organisation, person.email].filter(Boolean).join(" · ");
        option.append(name, document.createTextNode(` ${more}`));
        option.addEventListener("mousedown", (event) => event.preventDefault());
        option.addEventListener("click", () => choose(index));
        return option;
      }),
    );
    list.hidden = matches.length === 0;
    field.setAttribute("aria-expanded", String(matches.length > 0));
    if (active >= 0) {
      field.setAttribute("aria-activedescendant", `${list.id}-${active}`);
      list.children[active].scrollIntoView({ block: "nearest" });
    } else {
      field.removeAttribute("aria-activedescendant");
    }
  }

  async function search(typed) {
    const mine = ++asked;
    if (typed.length < MIN_LENGTH) return close();
    let found;
    try {
      const response = await fetch(`${root.dataset.search}?q=${encodeURIComponent(typed)}`, {
        headers: { accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return close();
      found = (await response.json()).people || [];
    } catch {
      return close(); // offline: the field still takes typed e-mails
    }
    if (mine !== asked) return;
    matches = found;
    active = -1;
    show();
    status.textContent = matches.length
      ? root.dataset.textFound.replace("%(n)s", String(matches.length))
      : root.dataset.textNone;
  }

  function choose(index) {
    const email = matches[index].email;
    const { before } = parts();
    const kept = multiple ? before.split(/[,;]/).map((e) => e.trim()).filter(Boolean) : [];
    field.value = multiple ? [...kept.filter((e) => e !== email), email].join(", ") + ", " : email;
    close();
    status.textContent = root.dataset.textAdded.replace("%(email)s", email);
    field.focus();
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  field.addEventListener("input", () => {
    clearTimeout(timer);
    const { typed } = parts();
    timer = setTimeout(() => search(typed), WAIT_MS);
  });
  field.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!matches.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + matches.length) % matches.length;
      show();
    } else if (event.key === "Enter" && matches.length) {
      event.preventDefault(); // take the person, do not send the form yet
      choose(Math.max(active, 0));
    } else if (event.key === "Escape" && matches.length) {
      event.preventDefault();
      close();
    }
  });
  field.addEventListener("blur", close);
}

for (const root of document.querySelectorAll("[data-people-picker]")) setUp(root);
