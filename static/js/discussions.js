// A discussion page: new posts and replies (with their quotes and booth and panel cards),
// stance and reaction counts and round changes arrive live on `discussion:<id>`. Posts are
// added in place from the page's own <template>s (the markup a reload renders; their HTML was
// sanitised by the server); a round change, a pin, a lock or a move re-reads the rounds, a
// slow-mode change the notice. A logged-in reader also follows `user:<id>`: being muted or
// unmuted, marked a focal point or not, re-reads their own parts.
import { keepFocus, live, refreshSections } from "/static/js/live.js";
import { localiseTimes } from "/static/js/times.js";

const root = document.querySelector("[data-discussion-id]");

if (root) {
  const discussionId = Number(root.dataset.discussionId);

  // A clone of `template` for `post`: ids, hidden fields and labels name the post; each form
  // gets a fresh idempotency key when it is first sent (commands.js).
  function fromTemplate(template, post) {
    const element = template.content.firstElementChild.cloneNode(true);
    const article = element.matches("[data-post-id]") ? element : element.querySelector("[data-post-id]");
    article.id = `post-${post.id}`;
    article.dataset.postId = String(post.id);
    article.querySelector("[data-author]").textContent = post.author_name;
    const time = article.querySelector("time");
    time.dateTime = post.at;
    time.textContent = post.at;
    article.querySelector("[data-body]").innerHTML = post.body_html; // sanitised by the server
    fillQuote(article, post.quote);
    fillReferences(article, post.references || []);
    const quoteLink = article.querySelector("[data-quote-link]");
    if (quoteLink) quoteLink.href = `${location.pathname}?quote=${post.id}#compose`;
    for (const field of element.querySelectorAll("input[name=contribution_id], input[name=content_id]")) field.value = String(post.id);
    // The template's controls are named for post 0: name them for this post.
    for (const field of element.querySelectorAll("[id$='-0']")) field.id = field.id.replace(/-0$/, `-${post.id}`);
    for (const label of element.querySelectorAll("label[for$='-0']")) label.htmlFor = label.htmlFor.replace(/-0$/, `-${post.id}`);
    for (const field of element.querySelectorAll("input[name=idem]")) field.value = "";
    const number = article.querySelector("[data-post-number]");
    if (number) number.textContent = String(post.id);
    if (element !== article) {
      element.id = `thread-${post.id}`;
      element.dataset.threadId = String(post.id);
      for (const field of element.querySelectorAll("input[name=reply_to_id], input[name=thread_id]")) field.value = String(post.id);
      const threadNumber = element.querySelector("[data-thread-number]");
      if (threadNumber) threadNumber.textContent = String(post.id);
      const box = element.querySelector("textarea");
      const label = element.querySelector("label[for^=reply-]");
      if (box && label) { box.id = `reply-${post.id}`; label.htmlFor = box.id; }
    }
    if (root.dataset.userId && post.author_id === Number(root.dataset.userId)) {
      // One's own post: no report control, as a reload shows it.
      article.setAttribute("data-own", "");
      article.querySelector("details.report")?.remove();
    }
    localiseTimes(element);
    return element;
  }

  function fillQuote(article, quote) {
    const box = article.querySelector("[data-quote]");
    if (!box) return;
    box.hidden = !quote;
    if (!quote) return;
    const source = box.querySelector("[data-quote-source]");
    source.href = `#post-${quote.id}`;
    source.textContent = (box.dataset.textWrote || "%(name)s wrote").replace("%(name)s", quote.author_name);
    box.querySelector("[data-quote-excerpt]").textContent = quote.excerpt;
  }

  function fillReferences(article, cards) {
    const list = article.querySelector("[data-references]");
    if (!list) return;
    list.replaceChildren();
    for (const card of cards) {
      const item = document.createElement("li");
      item.className = `card-link card-${card.kind}`;
      const link = document.createElement("a");
      link.href = card.href;
      const kind = document.createElement("span");
      kind.className = "hint";
      kind.textContent = card.kind === "booth" ? (list.dataset.textBooth || "Booth") : (list.dataset.textPanel || "Panel");
      link.append(kind, ` ${card.title}`);
      item.append(link);
      list.append(item);
    }
    list.hidden = cards.length === 0;
  }

  // One's own post gets no reaction buttons: its counts are shown as text, as a reload does.
  const myPosts = new Set();
  function markMine(id) {
    myPosts.add(id);
    const article = document.getElementById(`post-${id}`);
    if (!article) return;
    for (const form of article.querySelectorAll("form[data-reaction-form]")) {
      const span = document.createElement("span");
      span.className = "reaction";
      span.append(...form.querySelector("button").childNodes);
      form.replaceWith(span);
    }
  }

  function bump(round, name) {
    const cell = round.querySelector(`[data-${name}-count]`);
    if (cell) cell.textContent = String(Number(cell.textContent) + 1);
  }

  function addPost(post) {
    if (document.getElementById(`post-${post.id}`)) return;
    const round = document.querySelector(`[data-round-id="${post.round_id}"]`);
    const kind = post.thread_id === null ? "thread" : "post";
    const template = round?.querySelector(`template[data-${kind}-template]`);
    // An offline group's post carries its label, worded (and counted) by the server.
    if (!template || post.group_name) { refreshSections(["rounds"]); return; }
    if (post.thread_id === null) {
      round.querySelector("[data-threads]").append(fromTemplate(template, post));
      bump(round, "thread");
    } else {
      const thread = document.getElementById(`thread-${post.thread_id}`);
      if (!thread) { refreshSections(["rounds"]); return; }
      thread.querySelector("[data-replies]").append(fromTemplate(template, post));
      thread.querySelector("[data-reply-count]").textContent = String(post.replies);
    }
    bump(round, "post");
    if (myPosts.has(post.id)) markMine(post.id);
    live.announce(`${post.author_name}: ${post.body_html.replace(/<[^>]*>/g, "").slice(0, 80)}`);
  }

  function showStances(data) {
    const post = document.getElementById(`post-${data.contribution_id}`);
    if (!post) return;
    for (const name of ["agree", "nuance", "disagree"]) {
      const cell = post.querySelector(`[data-stance-${name}]`);
      if (cell) cell.textContent = String(data.stances[name]);
    }
  }

  function showReactions(data) {
    const post = document.getElementById(`post-${data.contribution_id}`);
    if (!post) return;
    for (const name of ["useful", "thanks", "question"]) {
      const cell = post.querySelector(`[data-reaction-${name}]`);
      if (cell) cell.textContent = String(data.reactions[name]);
    }
  }

  // The compose form's quote: the Quote link fills it in place (without JavaScript the link
  // loads the page with the quote attached); "Remove the quote" clears it.
  const compose = document.getElementById("compose");
  function setQuote(id, author, text) {
    if (!compose) return;
    compose.querySelector("[data-quote-field]").value = id ? String(id) : "";
    const preview = compose.querySelector("[data-quoting]");
    preview.hidden = !id;
    const source = preview.querySelector("[data-quoting-source]");
    source.href = id ? `#post-${id}` : "#";
    source.textContent = author || "";
    preview.querySelector("[data-quoting-excerpt]").textContent = text || "";
  }
  document.addEventListener("click", (event) => {
    if (!compose) return;
    const quote = event.target.closest("[data-quote-link]");
    const remove = event.target.closest("[data-quote-remove]");
    if (quote) {
      const article = quote.closest("[data-post-id]");
      const text = article.querySelector("[data-body]").textContent.replace(/\s+/g, " ").trim();
      setQuote(Number(article.dataset.postId), article.querySelector("[data-author]").textContent,
        text.length > 200 ? `${text.slice(0, 199)}…` : text);
    } else if (remove) {
      setQuote(null);
    } else {
      return;
    }
    event.preventDefault();
    compose.scrollIntoView({ block: "center" });
    compose.querySelector("textarea").focus();
  });

  document.addEventListener("fair:command-done", (event) => {
    const form = event.target;
    const reply = event.detail || {};
    if (form.dataset.command === "discussions.contribution.post") {
      if (typeof reply.contribution_id === "number") markMine(reply.contribution_id);
      if (form === compose) {
        setQuote(null);
        if (location.search) history.replaceState(null, "", location.pathname + location.hash);
      }
      return;
    }
    if (form.dataset.command === "discussions.reaction.toggle") {
      form.querySelector("button")?.setAttribute("aria-pressed", reply.pressed ? "true" : "false");
      if (reply.reactions) showReactions(reply);
    }
  });

  // A saved synthesis draft is what the server holds now: the rounds are re-read (draft
  // preview, publish button), its text no longer counts as unsaved typing.
  document.addEventListener("fair:command-done", (event) => {
    const form = event.target;
    if (!["discussions.synthesis.save", "discussions.questions.carry_over"].includes(form.dataset.command)) return;
    for (const box of form.querySelectorAll("textarea")) box.defaultValue = box.value;
    refreshSections(["rounds"]);
  });

  // A stance button shows as pressed once the server agreed; the others of the post do not.
  document.addEventListener("fair:command-done", (event) => {
    const form = event.target;
    if (form.dataset.command !== "discussions.stance.set") return;
    const chosen = form.querySelector("input[name=stance]")?.value;
    const post = form.closest("[data-post-id]");
    for (const other of post.querySelectorAll("form[data-command='discussions.stance.set']")) {
      const value = other.querySelector("input[name=stance]")?.value;
      if (value) other.querySelector("button")?.setAttribute("aria-pressed", value === chosen ? "true" : "false");
    }
    const back = post.querySelector("form[data-stance-back]");
    if (back) back.hidden = !chosen;
  });

  const moderating = root.hasAttribute("data-moderator");
  const notice = root.querySelector("[data-moderation-notice]");

  function tell(text) {
    if (!notice) return;
    notice.textContent = text;
    notice.hidden = false;
    live.announce(text);
  }

  // A hidden post leaves a participant's page at once (its author's page and moderators'
  // pages re-read the rounds, where it shows marked hidden, with the reason).
  function hidePost(data) {
    const post = document.getElementById(`post-${data.contribution_id}`);
    if (!post) return;
    if (moderating || post.hasAttribute("data-own")) { refreshSections(["rounds"]); return; }
    const thread = data.thread_id === null ? document.getElementById(`thread-${data.contribution_id}`) : null;
    const gone = thread || post;
    keepFocus(gone.parentElement || document.body, () => gone.remove());
  }

  const STANDING_EVENTS = new Set([
    "discussions.participant.muted", "discussions.participant.unmuted",
    "discussions.focal_point.marked", "discussions.focal_point.unmarked",
  ]);
  if (root.dataset.userId) {
    live.follow(`user:${root.dataset.userId}`, {
      onEvent(frame) {
        const data = frame.data;
        if (frame.type === "discussions.your_contribution.moderated" && data.discussion_id === discussionId) {
          tell(data.hidden
            ? `${root.dataset.textHidden || "A moderator hid your post. Reason:"} ${data.reason}`
            : `${root.dataset.textRestored || "A moderator restored your post. Reason:"} ${data.reason}`);
        } else if (frame.type === "reports.your_report.handled") {
          tell(root.dataset.textHandled || "The moderators have handled your report.");
        } else if (STANDING_EVENTS.has(frame.type)) {
          // Being muted or unmuted, marked a focal point or not: re-read one's own parts.
          const about = data.discussion_id ?? data.mute?.discussion_id;
          if (about === discussionId) refreshSections(["standing", "rounds"]);
        }
      },
      onReset() {},
    });
  }

  live.follow(`discussion:${discussionId}`, {
    since: root.dataset.since,
    present: true,
    onEvent(frame) {
      switch (frame.type) {
        case "discussions.contribution.posted": addPost(frame.data.contribution); break;
        case "discussions.stances.counted": showStances(frame.data); break;
        case "discussions.reactions.counted": showReactions(frame.data); break;
        case "discussions.contribution.hidden": hidePost(frame.data); break;
        case "discussions.contribution.restored": refreshSections(["rounds"]); break;
        case "discussions.round.added":
        case "discussions.round.opened":
        case "discussions.round.closed":
        case "discussions.round.extended":
        case "discussions.thread.pinned":
        case "discussions.thread.unpinned":
        case "discussions.thread.locked":
        case "discussions.thread.unlocked":
        case "discussions.contribution.moved": refreshSections(["rounds"]); break;
        case "discussions.slow_mode.set": refreshSections(["standing"]); break;
        case "discussions.synthesis.published":
          refreshSections(["rounds"]);
          live.announce(root.dataset.publishedText);
          break;
        default: break;
      }
    },
    onReset() { location.reload(); },
  });
  live.follow(`presence:discussion:${discussionId}`, {
    onEvent(frame) { document.querySelector("[data-viewers]").textContent = String(frame.data.count); },
  });

  // Moderators see each other's changes live: a person's standing (mutes, focal points)
  // re-reads the people list, a saved synthesis draft the rounds (unsaved typing is kept).
  if (moderating) {
    live.follow(`discussion:${discussionId}:moderation`, {
      since: root.dataset.moderationSince,
      onEvent(frame) {
        if (frame.type === "discussions.standing.changed") refreshSections(["people"]);
        else if (frame.type === "discussions.synthesis.draft_saved") refreshSections(["rounds"]);
      },
      onReset() { location.reload(); },
    });
  }

  // Moderators see their own changes to people and slow mode at once (those events are not
  // on the public channel, or not only).
  const PEOPLE_COMMANDS = new Set([
    "discussions.participant.mute", "discussions.participant.unmute",
    "discussions.focal_point.set", "discussions.slow_mode.set",
  ]);
  document.addEventListener("fair:command-done", (event) => {
    if (PEOPLE_COMMANDS.has(event.target.dataset.command)) refreshSections(["people"]);
  });
}
