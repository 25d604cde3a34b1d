// What the verify page keeps on the phone, and sending what waits: the offline lists (the
// key set and recalled lots of /verify/offline.json) and the queue of checks made with no
// network, both in localStorage, and the queue's trips to /verify/queued (the server checks
// each code again and records it at its time; a check it already had is not stored twice).
// `page` is verify-page.js's state: the element with the URLs, and the counts it shows.

const LISTS_KEY = "trace.verify.lists";
const QUEUE_KEY = "trace.verify.queue";
const MAX_CHECKS_PER_REQUEST = 500;

export async function refreshLists(page) {
  try {
    const response = await fetch(page.root.dataset.listsUrl, {credentials: "same-origin"});
    if (!response.ok || response.redirected) return;
    const lists = await response.json();
    if (lists && lists.keys && Array.isArray(lists.recalled)) store(LISTS_KEY, lists);
  } catch (error) {
    // Offline: the lists read last time stay.
  }
}

export function readLists() {
  return load(LISTS_KEY, null);
}

// ---- the queue of checks made offline ----

export function readQueue() {
  const queue = load(QUEUE_KEY, []);
  return Array.isArray(queue) ? queue : [];
}

export function enqueue(check) {
  store(QUEUE_KEY, [...readQueue(), {...check, id: randomId()}]);
}

function dropFromQueue(ids) {
  store(QUEUE_KEY, readQueue().filter((check) => !ids.has(check.id)));
}

export async function sendQueue(page) {
  if (page.isSending || !navigator.onLine) return;
  page.isSending = true;
  try {
    let queue = readQueue();
    while (queue.length) {
      const batch = queue.slice(0, MAX_CHECKS_PER_REQUEST);
      const outcome = await postChecks(page, batch);
      if (outcome === null) break;
      page.sent += outcome.sent;
      page.refused += outcome.refused.size;
      dropFromQueue(new Set([...outcome.done, ...outcome.refused]));
      queue = readQueue();
    }
  } catch (error) {
    // The network went again: the checks stay queued for the next try.
  } finally {
    page.isSending = false;
  }
}

// {sent, done, refused} (done and refused: queue ids), or null when nothing could be sent.
async function postChecks(page, batch) {
  let response = await postQueued(page, batch, csrfToken());
  if (response.status === 400 && !response.redirected) {
    response = await postQueued(page, batch, await freshCsrfToken(page));
  }
  page.isSignedOut = response.redirected; // the sign-in page answered
  if (page.isSignedOut) return null;
  if (response.ok) {
    // A check the server already had (its answer was lost on the way back) counts as sent.
    const {results} = await response.json();
    return {sent: results.length, done: batch.map((check) => check.id), refused: new Set()};
  }
  if (response.status !== 422) return null;
  const problems = (await response.json()).errors?.checks;
  if (!problems || typeof problems !== "object" || Array.isArray(problems)) return null;
  const refused = new Set(Object.keys(problems).map((index) => batch[Number(index)]?.id));
  refused.delete(undefined);
  return refused.size ? {sent: 0, done: [], refused} : null;
}

function postQueued(page, batch, token) {
  const checks = batch.map(({code, checked_at, verdict}) => ({code, checked_at, verdict}));
  return fetch(page.root.dataset.queuedUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": token},
    body: JSON.stringify({checks}),
  });
}

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content ?? "";
}

// A page kept by the service worker may carry an old token: read a fresh one.
async function freshCsrfToken(page) {
  const response = await fetch(page.root.dataset.workerScope, {
    credentials: "same-origin", cache: "no-store",
  });
  const html = new DOMParser().parseFromString(await response.text(), "text/html");
  const token = html.querySelector('meta[name="csrf-token"]')?.content ?? "";
  if (token) {
    document.querySelector('meta[name="csrf-token"]')?.setAttribute("content", token);
    for (const input of document.querySelectorAll('input[name="csrf_token"]')) input.value = token;
  }
  return token;
}

function load(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch (error) {
    return fallback;
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (error) {
    // Storage full or refused: the page still answers, it cannot keep the value.
  }
}

function randomId() {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}
