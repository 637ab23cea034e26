// Shows every <time data-local> in the viewer's own time zone, naming the zone; the server
// rendered it in the fair's zone, which stays in the title for reference.
const format = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
  timeZoneName: "short",
});

export function localiseTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-local]")) {
    const moment = new Date(el.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    if (!el.title) el.title = el.textContent.trim();
    el.textContent = format.format(moment);
  }
}

localiseTimes();
// Sections swapped in after a live change come from the server in the fair's zone.
document.addEventListener("fair:sections-refreshed", () => localiseTimes());
