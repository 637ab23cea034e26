// The panelists' stage view: the queue by votes and the backstage notes, always current.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-stage]");

if (root) {
  const panelId = root.dataset.panelId;
  live.follow(`qa:${panelId}`, {
    since: root.dataset.since,
    onEvent(frame) {
      const panel = frame.type === "qa.panel.changed" || frame.type === "qa.panel.state_changed";
      refreshSections(panel ? ["head", "queue"] : ["queue"]);
    },
    onReset() { location.reload(); },
  });
  live.follow(`qa:${panelId}:backstage`, {
    since: root.dataset.backstageSince,
    onEvent(frame) {
      refreshSections(["backstage"]);
      live.announce(`${frame.data.note.author_name}: ${frame.data.note.text}`);
    },
  });
}
