// The moderators' queue: every change on the moderation and backstage channels re-reads the
// affected sections (moderators are few; the page stays exactly what a reload would show).
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-moderation]");

if (root) {
  const panelId = root.dataset.panelId;
  live.follow(`qa:${panelId}:moderation`, {
    since: root.dataset.since,
    onEvent(frame) {
      refreshSections(["pending", "published", "decided"]);
      if (frame.type === "qa.question.asked") live.announce(frame.data.question.text);
    },
    onReset() { location.reload(); },
  });
  live.follow(`qa:${panelId}`, {
    onEvent(frame) {
      if (frame.type === "qa.panel.state_changed") refreshSections(["controls"]);
      if (frame.type === "qa.panel.changed") refreshSections(["crumbs", "controls"]);
    },
  });
  live.follow(`qa:${panelId}:backstage`, {
    since: root.dataset.backstageSince,
    onEvent() { refreshSections(["backstage"]); },
  });
}
