// A panel page for everyone: published questions, votes, "now answering" and answers arrive
// live and are applied in place; the asker's own questions are re-read when they change, and the
// panel's details (times, people, booths, moderation mode) when an organiser edits them.
import { keepFocus, live, refreshSections } from "/static/js/live.js";

const root = document.querySelector("[data-panel-id]");

if (root) {
  const panelId = Number(root.dataset.panelId);
  const list = document.querySelector("[data-question-list]");
  const template = document.querySelector("[data-question-template]");
  const nowBox = document.querySelector("[data-now]");
  const nowText = document.querySelector("[data-now-text]");
  const regions = new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" });

  const item = (id) => document.getElementById(`question-${id}`);
  const ownIds = new Set((root.dataset.ownQuestions || "").split(" ").filter(Boolean).map(Number));
  const total = document.querySelector("[data-question-total]");
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");

  // What is said through the page's polite announcer, in the page's language (the texts come
  // from the template): a newly published question, a changed vote count, who is answered now.
  function say(text, values) {
    if (!text) return;
    live.announce(text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole)));
  }

  function questionText(questionId) {
    return item(questionId)?.querySelector("[data-question-text]")?.textContent || "";
  }

  function announceVotes(questionId, votes) {
    const text = plurals.select(votes) === "one" ? root.dataset.textVotesOne : root.dataset.textVotesOther;
    say(text, { count: votes, question: questionText(questionId) });
  }

  function countQuestions() {
    if (total) total.textContent = `(${list.children.length})`;
  }

  function dropOwnVoteButton(questionId) {
    item(questionId)?.querySelector("form[data-command='qa.vote']")?.remove();
  }

  // The record arrives as counts; it is written the way the server renders it.
  function showRecord(record) {
    for (const name of ["received", "approved", "merged", "answered", "pending"]) {
      const cell = document.querySelector(`[data-record-${name}]`);
      if (cell) cell.textContent = String(record[name]);
    }
    const rejected = document.querySelector("[data-record-rejected]");
    if (rejected) {
      const reasons = Object.entries(record.rejected);
      const total = reasons.reduce((sum, [, n]) => sum + n, 0);
      rejected.textContent = reasons.length
        ? `${total} (${reasons.map(([reason, n]) => `${reason}: ${n}`).join(", ")})`
        : String(total);
    }
  }

  function sortList() {
    const items = [...list.children];
    items.sort((a, b) => {
      const answeredA = a.classList.contains("answered"), answeredB = b.classList.contains("answered");
      if (answeredA !== answeredB) return answeredA ? 1 : -1;
      const votes = Number(b.dataset.votes) - Number(a.dataset.votes);
      return votes || Number(a.dataset.questionId) - Number(b.dataset.questionId);
    });
    // Moving a node blurs it: the vote button just pressed keeps focus as its question moves.
    keepFocus(list, () => { for (const element of items) list.append(element); });
  }

  function setAnswering(questionId) {
    root.dataset.answering = questionId ? String(questionId) : "";
    for (const element of list.querySelectorAll(".answering")) element.classList.remove("answering");
    const current = questionId ? item(questionId) : null;
    if (current) current.classList.add("answering");
    if (nowBox) {
      const changed = !nowBox.hidden !== Boolean(current) || (current && nowText.textContent !== questionText(questionId));
      nowBox.hidden = !current;
      nowText.textContent = current ? questionText(questionId) : "";
      // Said once, here: the box itself is no live region.
      if (current && changed) say(root.dataset.textNow, { question: nowText.textContent });
    }
  }

  function addQuestion(question) {
    if (!template || item(question.id)) return;
    const element = template.content.firstElementChild.cloneNode(true);
    element.id = `question-${question.id}`;
    element.dataset.questionId = String(question.id);
    element.dataset.votes = String(question.votes);
    element.querySelector("[data-vote-count]").textContent = String(question.votes);
    element.querySelector("[data-question-text]").textContent = question.text;
    let asker = question.asker_name || list.dataset.anonymousLabel;
    if (question.asker_country) {
      try { asker += ` · ${regions.of(question.asker_country)}`; } catch { /* unknown code */ }
    }
    element.querySelector("[data-asker]").textContent = asker;
    const idField = element.querySelector("input[name=question_id]");
    if (idField) idField.value = String(question.id);
    list.append(element);
    if (ownIds.has(question.id)) dropOwnVoteButton(question.id);
    document.querySelector("[data-questions-empty]")?.remove();
    sortList();
    countQuestions();
  }

  function updateQuestion(question) {
    const element = item(question.id);
    if (!element) return addQuestion(question);
    element.querySelector("[data-question-text]").textContent = question.text;
    element.dataset.votes = String(question.votes);
    element.querySelector("[data-vote-count]").textContent = String(question.votes);
    if (question.state === "answered") {
      element.classList.add("answered");
      let answer = element.querySelector("[data-answer]");
      if (!answer) {
        answer = document.createElement("p");
        answer.className = "answer";
        answer.dataset.answer = "";
        element.querySelector(".text").append(answer);
      }
      answer.textContent = question.answer ? `${list.dataset.answerLabel} ${question.answer}` : list.dataset.answeredLive;
    }
    sortList();
  }

  live.follow(`qa:${panelId}`, {
    since: root.dataset.since,
    present: true,
    onEvent(frame) {
      const data = frame.data;
      switch (frame.type) {
        case "qa.question.published":
          if (!item(data.question.id)) say(root.dataset.textNewQuestion, { question: data.question.text });
          addQuestion(data.question);
          break;
        case "qa.question.changed": updateQuestion(data.question); break;
        case "qa.question.answered": updateQuestion(data.question); break;
        case "qa.question.withdrawn":
          keepFocus(list, () => item(data.question_id)?.remove());
          countQuestions();
          break;
        case "qa.votes.counted": {
          const element = item(data.question_id);
          if (element && element.dataset.votes !== String(data.votes)) {
            element.dataset.votes = String(data.votes);
            element.querySelector("[data-vote-count]").textContent = String(data.votes);
            sortList();
            announceVotes(data.question_id, data.votes);
          }
          break;
        }
        case "qa.answering.changed": setAnswering(data.question_id); break;
        case "qa.record.counted": showRecord(data.record); break;
        case "qa.panel.state_changed": refreshSections(["head", "ask", "record"]); break;
        case "qa.panel.changed": refreshSections(["head", "about", "booths", "ask"]); break;
        default: break;
      }
    },
    onReset() { location.reload(); },
  });
  live.follow(`presence:qa:${panelId}`, {
    onEvent(frame) { document.querySelector("[data-viewers]").textContent = String(frame.data.count); },
  });
  if (root.dataset.userId) {
    live.follow(`user:${root.dataset.userId}`, {
      onEvent(frame) {
        if (frame.type === "qa.your_question.changed" && frame.data.question.panel_id === panelId) {
          ownIds.add(frame.data.question.id);
          dropOwnVoteButton(frame.data.question.id);
          refreshSections(["mine"]);
        }
      },
    });
  }

  // A vote button flips between voting and taking the vote back once the server agreed.
  document.addEventListener("fair:command-done", (event) => {
    const form = event.target;
    if (form.dataset.command !== "qa.vote") return;
    const up = form.querySelector("input[name=up]");
    const button = form.querySelector("button");
    const voted = up.value === "1";
    up.value = voted ? "0" : "1";
    button.setAttribute("aria-pressed", voted ? "true" : "false");
  });
}
