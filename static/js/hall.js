// The hall grid follows `hall`: when a booth is published or archived, the grid is re-read.
import { live, refreshSections } from "/static/js/live.js";

live.follow("hall", {
  onEvent(frame) {
    if (frame.type === "hall.booth.state_changed") refreshSections(["grid"]);
  },
  onReset() { refreshSections(["grid"]); },
});
