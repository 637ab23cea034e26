// The review queue: follows the moderation channel of every place the viewer handles (named
// in the page with the seq it was rendered at); a new report, a merged one or a handled item
// re-reads the queue, so the page after live updates equals a fresh load.
import { live, refreshSections } from "/static/js/live.js";

for (const el of document.querySelectorAll("[data-queue-channel]")) {
  live.follow(el.dataset.queueChannel, {
    since: el.dataset.since,
    onEvent(frame) {
      if (frame.type === "reports.item.reported" || frame.type === "reports.item.handled") {
        refreshSections(["queue"]);
        if (frame.type === "reports.item.reported" && frame.data.item.state === "open") {
          live.announce(frame.data.item.excerpt.slice(0, 80));
        }
      }
    },
    onReset() { refreshSections(["queue"]); },
  });
}
