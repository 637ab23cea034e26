// The bell on every page: follows the viewer's `user:<id>` from the seq the page was rendered
// at and keeps the unread count as it is on the server, whichever worker made the change.
import { live } from "/static/js/live.js";

function start() {
  const bell = document.querySelector("[data-bell]");
  if (!bell) return;
  const count = bell.querySelector("[data-bell-count]");
  live.follow(`user:${bell.dataset.userId}`, {
    since: bell.dataset.since,
    onEvent(frame) {
      if (frame.type !== "notifications.changed") return;
      const unread = Number(frame.data.unread) || 0;
      count.textContent = String(unread);
      count.hidden = unread === 0;
      if (frame.data.new > 0) live.announce(bell.dataset.textNew || "New notification");
    },
    // Too far behind to catch up: the count is read again with the next page.
    onReset() {},
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
