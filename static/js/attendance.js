// The attendance dashboard stays current while it is open: "online now" follows the fair's
// live count, and the figures are fetched again each minute (as the samples are taken), only
// while the page is in view; the sections are swapped in place, never the whole page.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-attendance]");
const EVERY_MS = 60_000;

if (root) {
  const online = root.querySelector("[data-online-now]");
  live.follow("presence:fair", {
    onEvent(frame) {
      if (frame.type === "presence.count.changed" && online) online.textContent = String(frame.data.count);
    },
  });
  const sections = [...root.querySelectorAll("[data-section]")].map((el) => el.dataset.section);
  window.setInterval(() => {
    if (document.visibilityState === "visible") refreshSections(sections);
  }, EVERY_MS);
}
