// The home page's live count of people online.
import { live } from "/static/js/live.js";

const count = document.querySelector("[data-online-count]");
const label = document.querySelector("[data-online-label]");

if (count) {
  live.follow(count.dataset.liveChannel, {
    onEvent(frame) {
      if (frame.type !== "presence.count.changed") return;
      const n = frame.data.count;
      count.textContent = String(n);
      if (label) label.textContent = n === 1 ? label.dataset.one || "person online now" : label.dataset.many || "people online now";
    },
  });
}
