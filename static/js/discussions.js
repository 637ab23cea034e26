// A discussion page: new posts and replies, stance counts and round changes arrive live on
// `discussion:<id>`. Posts are added in place (their HTML was sanitised by the server);
// a round change re-reads the page's rounds.
import { live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-discussion-id]");

if (root) {
  const discussionId = Number(root.dataset.discussionId);

  function postElement(post) {
    const article = document.createElement("article");
    article.className = "post";
    article.id = `post-${post.id}`;
    article.dataset.postId = String(post.id);
    const meta = document.createElement("p");
    meta.className = "meta";
    const author = document.createElement("strong");
    author.textContent = post.author_name;
    const time = document.createElement("time");
    time.dateTime = post.at;
    time.textContent = new Date(post.at).toLocaleString();
    meta.append(author, " · ", time);
    const body = document.createElement("div");
    body.className = "body";
    body.innerHTML = post.body_html; // sanitised Markdown, from the server
    article.append(meta, body);
    return article;
  }

  function addPost(post) {
    if (document.getElementById(`post-${post.id}`)) return;
    const round = document.querySelector(`[data-round-id="${post.round_id}"]`);
    if (!round) { refreshSections(["rounds"]); return; }
    if (post.thread_id === null) {
      const thread = document.createElement("div");
      thread.className = "thread";
      thread.id = `thread-${post.id}`;
      thread.dataset.threadId = String(post.id);
      thread.append(postElement(post));
      round.querySelector("[data-threads]").append(thread);
    } else {
      const replies = document.querySelector(`#thread-${post.thread_id} [data-replies]`);
      if (replies) replies.append(postElement(post));
      const count = document.querySelector(`#thread-${post.thread_id} [data-reply-count]`);
      if (count) count.textContent = String(post.replies);
    }
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
        default: break;
      }
    },
    onReset() { location.reload(); },
  });
}
