// The organisers' handbook page: exports move on live on `handbook:fair:staff` (queued,
// progress, ready); the list is re-read from the server, the same markup as a reload.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-handbook]");

if (root) {
  const hideReloadHints = () => {
    for (const hint of document.querySelectorAll("[data-no-js]")) hint.hidden = true;
  };
  hideReloadHints();
  document.addEventListener("fair:sections-refreshed", hideReloadHints);
  live.follow("handbook:fair:staff", {
    since: root.dataset.since,
    onEvent(frame) {
      if (frame.type !== "discussions.handbook.changed") return;
      const { export: done } = frame.data;
      refreshSections(["exports"]);
      if (done.state === "done") live.announce(root.dataset.readyText);
    },
    onReset() { location.reload(); },
  });
}
