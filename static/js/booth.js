// A booth page: live chat, visitor and staff counts, and fresh sections when the team edits.
import { keepFocus, live, refreshSections } from "/static/js/live.js";
import { localiseTimes } from "/static/js/times.js";

const root = document.querySelector("[data-booth-id]");
const regions = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" });

function countryName(code) {
  try { return regions.of(code) || code; } catch { return code; }
}

if (root) {
  const boothId = Number(root.dataset.boothId);
  const channel = `booth:${boothId}`;
  const list = document.querySelector("[data-chat-list]");
  const form = document.querySelector("[data-chat-form]");
  const sections = {
    "hall.booth.changed": ["head", "about"],
    "hall.booth.state_changed": ["head", "about"],
    "hall.media.added": ["media"],
    "hall.media.changed": ["media"],
    "hall.media.removed": ["media", "head"],
    "hall.office_hours.changed": ["hours"],
  };

  const addMessage = (message) => {
    if (!list || document.getElementById(`message-${message.id}`)) return;
    const item = document.createElement("li");
    item.className = "message";
    item.id = `message-${message.id}`;
    item.dataset.messageId = String(message.id);
    const who = document.createElement("p");
    who.className = "who";
    const name = document.createElement("strong");
    name.textContent = message.author_name;
    const country = document.createElement("span");
    country.className = "country";
    country.textContent = countryName(message.author_country);
    const time = document.createElement("time");
    time.setAttribute("datetime", message.at);
    time.dataset.local = "";
    who.append(name, " ", country, " ", time);
    const body = document.createElement("p");
    body.className = "body";
    body.textContent = message.body;
    item.append(who, body);
    const template = document.querySelector("[data-remove-template]");
    if (template) {
      const control = template.content.firstElementChild.cloneNode(true);
      const remover = control.querySelector("form");
      remover.dataset.removeMessage = String(message.id);
      remover.action = remover.action.replace("/0/remove", `/${message.id}/remove`);
      const reasonField = remover.querySelector("input[name=reason]");
      reasonField.id = `remove-reason-${message.id}`;
      remover.querySelector("label").htmlFor = reasonField.id;
      item.append(control);
    }
    const reporting = document.querySelector("[data-report-template]");
    if (reporting && String(message.author_id) !== reporting.dataset.viewerId) {
      const control = reporting.content.firstElementChild.cloneNode(true);
      control.querySelector("input[name=content_id]").value = String(message.id);
      control.querySelector("input[name=idem]").value = "";
      const back = control.querySelector("input[name=back]");
      back.value = `${back.value}#message-${message.id}`;
      for (const field of control.querySelectorAll("[id$='-0']")) field.id = field.id.replace(/-0$/, `-${message.id}`);
      for (const label of control.querySelectorAll("label[for$='-0']")) label.htmlFor = label.htmlFor.replace(/-0$/, `-${message.id}`);
      item.append(control);
    }
    // A restored message goes back where it was, among the others by id.
    const later = [...list.querySelectorAll("[data-message-id]")].find((other) => Number(other.dataset.messageId) > message.id);
    list.insertBefore(item, later ?? null);
    localiseTimes(item);
    document.querySelector("[data-chat-empty]")?.remove();
    // The list is a role=log region: screen readers read the new message from there, so it
    // is not announced a second time.
  };

  live.follow(channel, {
    since: root.dataset.since,
    present: true,
    onEvent(frame) {
      if (frame.type === "hall.chat.posted" || frame.type === "hall.chat.restored") addMessage(frame.data.message);
      else if (frame.type === "hall.chat.removed") {
        const gone = document.getElementById(`message-${frame.data.message_id}`);
        if (gone) keepFocus(list, () => gone.remove());
      }
      else if (sections[frame.type]) refreshSections(sections[frame.type]);
    },
    onReset() { location.reload(); },
  });
  live.follow(`presence:${channel}`, {
    onEvent(frame) { document.querySelector("[data-visitors]").textContent = String(frame.data.count); },
  });
  live.follow(`presence:${channel}:staff`, {
    onEvent(frame) { document.querySelector("[data-staff]").textContent = String(frame.data.count); },
  });
  if (root.dataset.onTeam === "yes") live.follow(`${channel}:staff`, { present: true });
  // On one's own channel: the team's answer to one's card appears as it is given, and the
  // author of a removed (or restored) message is told why.
  const notice = root.querySelector("[data-moderation-notice]");
  if (root.dataset.userId) {
    live.follow(`user:${root.dataset.userId}`, {
      onEvent(frame) {
        const data = frame.data;
        if (frame.type === "hall.card.answered" && data.card?.booth_id === boothId) {
          refreshSections(["my-cards"]);
          live.announce(root.dataset.textAnswered || "The team answered your card.");
        } else if (frame.type === "hall.your_chat_message.moderated" && data.booth_id === boothId && notice) {
          const lead = data.hidden ? root.dataset.textRemoved : root.dataset.textRestored;
          notice.textContent = `${lead} ${data.reason}`;
          notice.hidden = false;
          live.announce(notice.textContent);
        }
      },
      onReset() {},
    });
  }

  if (form) {
    // commands.js sends the message (or keeps it while the server is away); then type on.
    form.addEventListener("fair:command-done", () => form.querySelector("textarea").focus());
  }

  const cardForm = document.querySelector("[data-card-form]");
  if (cardForm) {
    // A card left over the socket (or from the outbox after a reconnect): say so as the plain
    // post's page does (the same notice, the same address), and show it among one's cards.
    cardForm.addEventListener("fair:command-done", () => {
      const sent = document.querySelector("[data-card-sent]");
      if (sent) sent.hidden = false;
      const address = new URL(location.href);
      address.searchParams.set("card", "sent");
      history.replaceState(history.state, "", address);
      refreshSections(["my-cards"]);
    });
  }

  document.addEventListener("submit", async (event) => {
    const remover = event.target.closest("[data-remove-message]");
    if (!remover) return;
    event.preventDefault();
    try {
      await live.command("hall.chat.remove", {
        message_id: Number(remover.dataset.removeMessage),
        reason: remover.elements.reason.value,
      });
    } catch (error) {
      if (error.code === "live.offline") remover.submit();
    }
  });
}
