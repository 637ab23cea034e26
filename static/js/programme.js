// The programme follows `programme`: a panel scheduled or changed (its time, its title) re-reads
// the list, so it stays what a reload would show.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-programme]");

if (root) {
  live.follow("programme", {
    since: root.dataset.since,
    onEvent(frame) {
      if (frame.type === "qa.panel.scheduled" || frame.type === "qa.panel.changed") refreshSections(["programme"]);
    },
    onReset() { refreshSections(["programme"]); },
  });
}
