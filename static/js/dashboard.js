// A booth's dashboard follows the team channel: cards, visits and media use appear live.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-dashboard]");

if (root) {
  const sections = {
    "hall.card.left": ["cards", "days"],
    "hall.card.answered": ["cards"],
    "hall.booth.visited": ["days", "countries"],
    "hall.media.used": ["files"],
  };
  live.follow(`booth:${root.dataset.boothId}:team`, {
    since: root.dataset.since,
    onEvent(frame) {
      if (sections[frame.type]) refreshSections(sections[frame.type]);
      if (frame.type === "hall.card.left") live.announce(root.dataset.textNewCard || "A new card was left at the booth.");
    },
    onReset() { location.reload(); },
  });
}
