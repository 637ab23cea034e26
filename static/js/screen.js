// The big screen: the current question and the top of the queue, redrawn on every change.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-screen]");

if (root) {
  live.follow(`qa:${root.dataset.panelId}`, {
    since: root.dataset.since,
    onEvent() { refreshSections(["screen"]); },
    onReset() { location.reload(); },
  });
}
