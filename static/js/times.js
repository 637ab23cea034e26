// Shows every <time data-local> in the browser's time zone and the page's language, naming the
// zone; the server wrote it in the viewer's saved zone (else the fair's), kept in the title.
// A list grouped by day ([data-days]) is regrouped by the browser's local day when its zone
// differs from the one the server grouped it in. Time-zone fields offer the browser's zone.
const lang = document.documentElement.lang || undefined;
export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

function formatter(options) {
  try {
    return new Intl.DateTimeFormat(lang, options);
  } catch {
    return new Intl.DateTimeFormat(undefined, options); // a language tag Intl does not know
  }
}

const moment = formatter({
  weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  timeZoneName: "short",
});
const dayHeading = formatter({ dateStyle: "full" });
// The local calendar day as YYYY-MM-DD (en-CA writes dates that way), for grouping only.
const dayKey = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" });

function regroupDays(root) {
  lists: for (const list of root.querySelectorAll("[data-days]")) {
    if (list.dataset.zone === browserZone || list.dataset.groupedIn === browserZone) continue;
    const items = [...list.querySelectorAll("li[data-at]")];
    const groups = new Map();
    for (const item of items) {
      const at = new Date(item.dataset.at);
      if (Number.isNaN(at.getTime())) continue lists;
      const key = dayKey.format(at);
      if (!groups.has(key)) groups.set(key, { at, items: [] });
      groups.get(key).items.push(item);
    }
    const sections = [...list.querySelectorAll(":scope > section")];
    const same = sections.length === groups.size && sections.every((section, index) => {
      const [key, group] = [...groups.entries()][index];
      return section.dataset.day === key
        && group.items.every((item) => section.contains(item))
        && section.querySelectorAll("li[data-at]").length === group.items.length;
    });
    list.dataset.groupedIn = browserZone;
    if (same) continue;
    const headingTag = sections[0]?.querySelector("h2, h3")?.tagName.toLowerCase() || "h2";
    const listClass = sections[0]?.querySelector("ul")?.className || "";
    const prefix = list.id || "days";
    for (const section of sections) section.remove();
    let index = 0;
    for (const [key, group] of groups) {
      index += 1;
      const section = document.createElement("section");
      const heading = document.createElement(headingTag);
      const ul = document.createElement("ul");
      heading.id = `${prefix}-local-${index}`;
      heading.textContent = dayHeading.format(group.at);
      section.dataset.day = key;
      section.setAttribute("aria-labelledby", heading.id);
      ul.className = listClass;
      ul.append(...group.items);
      section.append(heading, ul);
      list.append(section);
    }
  }
}

function nameZones(root) {
  for (const el of root.querySelectorAll("[data-zone-name]")) el.textContent = browserZone;
}

export function localiseTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-local]")) {
    const at = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(at.getTime())) continue;
    if (!el.title) el.title = el.textContent.trim();
    el.textContent = moment.format(at);
  }
  regroupDays(root);
  nameZones(root);
}

// A picker with nothing saved shows the browser's zone, says so, and leaves saving to the person.
function guessZones(root) {
  if (!browserZone) return;
  for (const input of root.querySelectorAll("input[data-zone-guess]")) {
    if (input.value || input.dataset.guessed) continue;
    input.value = browserZone;
    input.dataset.guessed = "1";
    const note = document.getElementById(`${input.id}-guess`);
    if (note) note.hidden = false;
  }
  // A form's "Times in" choice offers the browser's zone too, without choosing it.
  for (const select of root.querySelectorAll("select[data-zone-choice]")) {
    if ([...select.options].some((option) => option.value === browserZone)) continue;
    const option = document.createElement("option");
    option.value = browserZone;
    option.textContent = `${browserZone} ${select.dataset.browserLabel || ""}`.trim();
    select.append(option);
  }
}

localiseTimes();
guessZones(document);
// Sections swapped in after a live change come from the server in the viewer's saved zone.
document.addEventListener("fair:sections-refreshed", () => {
  localiseTimes();
  guessZones(document);
});
