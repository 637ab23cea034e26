// A discussion page: new posts and replies, stance counts and round changes arrive live on
// `discussion:<id>`. Posts are added in place from the page's own <template>s (the markup a
// reload renders; their HTML was sanitised by the server); a round change re-reads the rounds.
import { live, refreshSections } from "/static/js/live.js";
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
    for (const field of element.querySelectorAll("input[name=contribution_id]")) field.value = String(post.id);
    for (const field of element.querySelectorAll("input[name=idem]")) field.value = "";
    if (element !== article) {
      element.id = `thread-${post.id}`;
      element.dataset.threadId = String(post.id);
      for (const field of element.querySelectorAll("input[name=reply_to_id]")) field.value = String(post.id);
      const box = element.querySelector("textarea");
      const label = element.querySelector("label[for^=reply-]");
      if (box && label) { box.id = `reply-${post.id}`; label.htmlFor = box.id; }
    }
    localiseTimes(element);
    return element;
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
    if (!template) { refreshSections(["rounds"]); return; }
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

  live.follow(`discussion:${discussionId}`, {
    since: root.dataset.since,
    present: true,
    onEvent(frame) {
      switch (frame.type) {
        case "discussions.contribution.posted": addPost(frame.data.contribution); break;
        case "discussions.stances.counted": showStances(frame.data); break;
        case "discussions.round.added":
        case "discussions.round.opened":
        case "discussions.round.closed":
        case "discussions.round.extended": refreshSections(["rounds"]); break;
        case "discussions.synthesis.published":
          refreshSections(["rounds"]);
          live.announce(root.dataset.publishedText);
          break;
        default: break;
      }
    },
    onReset() { location.reload(); },
  });
}
