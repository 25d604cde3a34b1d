// The verify page (templates/inspection/verify.html), enhanced. Without this script the
// forms post to the server, which answers with a new page; with it:
//   - a service worker keeps the page, this script and the offline lists (/verify/sw.js);
//   - a check is posted in the background and its answer replaces the old one; when the
//     network is gone (navigator.onLine false, or the post fails) the code is checked here,
//     against the key set and recalled lots last read from /verify/offline.json, the answer
//     says so and how old the lists are, and the check waits in a queue (localStorage);
//   - the queue goes to /verify/queued when the network is back (the "online" event, each
//     page load, after each check), which checks each code again and records it
//     (the lists, the queue and its sending are verify-queue.js's);
//   - where the browser has a BarcodeDetector, "Scan with camera" reads QR codes live.
// Words come from the page (data-strings, in the reader's language); "{name}" marks a value.

import {VERDICTS, isPreprinted, recallOf, verifyCode} from "./label-verifier.js";
import {enqueue, readLists, readQueue, refreshLists, sendQueue} from "./verify-queue.js";

const MAX_CODE_LENGTH = 512; // longer is never a code: the server refuses to queue it
const PHOTO_MAX_SIDE = 2400;
const RECALLED = "recalled batch";
const TONES = {[VERDICTS.VALID]: "success", [VERDICTS.MALFORMED_CODE]: "warning"};
const LOCAL_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Ho_Chi_Minh", day: "2-digit", month: "2-digit", year: "numeric",
  hour: "2-digit", minute: "2-digit", hourCycle: "h23",
});

const root = document.getElementById("verify-page");
if (root !== null) start(root);

function start(element) {
  const page = {
    root: element,
    strings: JSON.parse(element.dataset.strings),
    lang: document.documentElement.lang || "vi",
    answers: document.getElementById("verify-answers"),
    status: document.getElementById("verify-status"),
    sent: 0,
    refused: 0,
    isSending: false,
    isSignedOut: false,
  };
  registerWorker(element);
  for (const form of element.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => onSubmit(event, page, form));
  }
  setUpCamera(page);
  const update = () => showStatus(page);
  update();
  refreshLists(page).then(update);
  sendQueue(page).then(update);
  window.addEventListener("online", () => {
    update();
    refreshLists(page).then(update);
    sendQueue(page).then(update);
  });
  window.addEventListener("offline", () => showStatus(page));
  setInterval(() => showStatus(page), 60_000);
}

function registerWorker(element) {
  if (!("serviceWorker" in navigator)) return;
  const {workerUrl, workerScope} = element.dataset;
  navigator.serviceWorker.register(workerUrl, {scope: workerScope}).catch(() => {});
}

// ---- checking ----

async function onSubmit(event, page, form) {
  event.preventDefault();
  if (navigator.onLine) {
    let response = null;
    try {
      response = await fetch(form.action, {
        method: "POST", body: await formData(page, form), credentials: "same-origin",
      });
    } catch (error) {
      // The network is gone although the browser thinks otherwise: check here.
    }
    if (response !== null) {
      await showServerAnswer(page, response);
      sendQueue(page).then(() => showStatus(page));
      return;
    }
  }
  if (form.classList.contains("verify-photo-form")) {
    await checkPhotoHere(page, form);
  } else if (await checkHere(page, codesOf(form))) {
    form.querySelector("textarea").value = ""; // ready for the next label, as online
  }
}

// The form's fields; a photo over the server's limit (a phone camera's full size) is sent
// smaller, as a JPEG whose longest side is PHOTO_MAX_SIDE pixels: still plenty for a QR code.
async function formData(page, form) {
  const data = new FormData(form);
  const photo = data.get("photo");
  const limit = Number(page.root.dataset.photoMaxBytes);
  if (!(photo instanceof File) || !limit || photo.size <= limit) return data;
  try {
    const bitmap = await createImageBitmap(photo);
    const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const smaller = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
    if (smaller !== null) data.set("photo", smaller, "photo.jpg");
  } catch (error) {
    // Not an image the browser can read: the server says so.
  }
  return data;
}

async function showServerAnswer(page, response) {
  if (response.redirected && new URL(response.url).pathname !== page.root.dataset.workerScope) {
    window.location.assign(response.url); // signed out: the sign-in page
    return;
  }
  const html = new DOMParser().parseFromString(await response.text(), "text/html");
  const answers = html.getElementById("verify-answers") ?? html.querySelector("main");
  page.answers.replaceChildren(...[...(answers?.childNodes ?? [])].map(adopt));
  for (const selector of [".verify-code-form .field", ".verify-photo-form .field"]) {
    const fresh = html.querySelector(selector);
    const current = page.root.querySelector(selector);
    if (fresh !== null && current !== null) current.replaceWith(adopt(fresh));
  }
  const invalid = page.root.querySelector(".field--invalid .input");
  if (invalid !== null && response.status === 422 && !page.answers.children.length) {
    invalid.focus();
  } else {
    page.answers.focus();
  }
}

function adopt(node) {
  return document.importNode(node, true);
}

function codesOf(form) {
  const field = form.querySelector("textarea");
  return field.value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

async function checkHere(page, texts) {
  const {strings} = page;
  if (!texts.length) return showNotice(page, strings.no_code, "warning");
  const lists = readLists();
  if (lists === null) return showNotice(page, strings.no_lists, "warning");
  const articles = [];
  for (const text of [...new Set(texts)]) {
    let result;
    try {
      result = await verifyCode(text, lists.keys);
    } catch (error) {
      return showNotice(page, strings.unsupported, "warning");
    }
    const recall = recallOf(result.parsed, lists.recalled);
    const verdict = result.verdict === VERDICTS.VALID && recall !== null ? RECALLED : result.verdict;
    if (text.length <= MAX_CODE_LENGTH) {
      enqueue({code: text, checked_at: new Date().toISOString(), verdict});
    }
    articles.push(offlineAnswer(page, text, verdict, result.parsed, recall, lists));
  }
  page.answers.replaceChildren(...articles);
  page.answers.focus();
  showStatus(page);
  return true;
}

async function checkPhotoHere(page, form) {
  const file = form.querySelector("input[type=file]").files[0];
  if (!file) return showNotice(page, page.strings.no_code, "warning");
  if (!("BarcodeDetector" in window)) return showNotice(page, page.strings.photo_offline, "warning");
  try {
    const detector = new window.BarcodeDetector({formats: ["qr_code"]});
    const found = await detector.detect(await createImageBitmap(file));
    return checkHere(page, found.map((code) => code.rawValue));
  } catch (error) {
    return showNotice(page, page.strings.photo_offline, "warning");
  }
}

// ---- what an offline answer shows ----

function offlineAnswer(page, text, verdict, parsed, recall, lists) {
  const {strings} = page;
  const tone = TONES[verdict] ?? "error";
  const message = verdict !== VERDICTS.VALID
    ? strings.messages[verdict]
    // A roll code's signature holds; whether it was activated on a batch is known online only.
    : (isPreprinted(parsed) ? strings.offline_preprinted : strings.offline_valid);
  const article = make("article", `card verify-answer verify-answer--${tone} verify-answer--offline`);
  Object.assign(article.dataset, {verdict, checked: "offline"});
  const notice = make("div", `notice notice--${tone} verdict`);
  notice.append(
    icon(tone === "success" ? "check" : "alert"),
    make("div", "", [make("h2", "notice__title", strings.titles[verdict]), make("p", "", message)]),
  );
  article.append(notice);
  article.append(make("p", "verify-answer__code", [make("span", "record__code", text)]));
  if (recall !== null) article.append(recallBanner(page, recall));
  if (parsed !== null) article.append(codeFacts(page, parsed));
  const age = fill(strings.checked_offline, {age: ageOf(lists.generated_at, page.lang)});
  const note = text.length <= MAX_CODE_LENGTH ? `${age} ${strings.queued}` : age;
  article.append(make("p", "verify-answer__offline", note));
  return article;
}

function recallBanner(page, recall) {
  const {strings} = page;
  const day = recall.recalled_at ? localTime(recall.recalled_at) : "";
  const banner = make("div", "notice notice--error recall-banner", [icon("alert")]);
  const reason = make("p", "", [
    make("span", "recall-banner__label", strings.reason), " ", make("span", "facts__text", recall.reason),
  ]);
  banner.append(make("div", "", [make("p", "notice__title", fill(strings.recalled_on, {day})), reason]));
  return banner;
}

function codeFacts(page, parsed) {
  const {strings} = page;
  const section = make("section", "verify-answer__section");
  section.append(make("h3", "", strings.code_says));
  const facts = make("dl", "facts");
  const values = {
    gtin: parsed.gtin, lot: parsed.lot, batchCode: parsed.batchCode, serial: parsed.serial,
    prefix: parsed.prefix,
    expiresOn: parsed.dates.expiresOn && parsed.dates.expiresOn.split("-").reverse().join("/"),
    kid: parsed.kid,
  };
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    facts.append(make("div", "facts__row", [
      make("dt", "", strings.fields[name]), make("dd", "", [make("span", "record__code", value)]),
    ]));
  }
  section.append(facts);
  return section;
}

function showNotice(page, text, tone) {
  const notice = make("div", `notice notice--${tone}`, [make("p", "", text)]);
  notice.setAttribute("role", "alert");
  page.answers.replaceChildren(notice);
}

// ---- the page's status line: network, lists, queue ----

function showStatus(page) {
  const {strings, status} = page;
  const network = status.querySelector(".verify-status__network");
  network.hidden = navigator.onLine;
  network.textContent = strings.offline;
  const lists = readLists();
  status.querySelector(".verify-status__lists").textContent = lists === null
    ? strings.no_lists
    : fill(strings.lists_age, {age: ageOf(lists.generated_at, page.lang)});
  const lines = [fill(strings.waiting, {count: readQueue().length})];
  if (page.sent) lines.push(fill(strings.sent, {count: page.sent}));
  if (page.refused) lines.push(fill(strings.refused, {count: page.refused}));
  if (page.isSignedOut) lines.push(strings.signed_out);
  status.querySelector(".verify-status__queue").textContent = lines.join(" · ");
  status.hidden = false;
}

// ---- the camera ----

function setUpCamera(page) {
  const button = page.root.querySelector(".verify-camera__start");
  const canScan = "BarcodeDetector" in window && navigator.mediaDevices?.getUserMedia;
  if (button === null || !canScan) return;
  button.hidden = false;
  button.addEventListener("click", () => scanWithCamera(page));
}

async function scanWithCamera(page) {
  const form = page.root.querySelector(".verify-code-form");
  const box = form.querySelector(".verify-camera");
  const video = box.querySelector("video");
  let stream;
  let detector;
  try {
    detector = new window.BarcodeDetector({formats: ["qr_code"]});
    stream = await navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}});
  } catch (error) {
    return showNotice(page, page.strings.camera_failed, "warning");
  }
  let isRunning = true;
  const stop = () => {
    isRunning = false;
    stream.getTracks().forEach((track) => track.stop());
    box.hidden = true;
  };
  box.querySelector(".verify-camera__stop").addEventListener("click", stop, {once: true});
  video.srcObject = stream;
  box.hidden = false;
  await video.play();
  const look = async () => {
    if (!isRunning) return;
    try {
      const found = await detector.detect(video);
      if (found.length) {
        stop();
        form.querySelector("textarea").value = found.map((code) => code.rawValue).join("\n");
        form.requestSubmit();
        return;
      }
    } catch (error) {
      // A frame that could not be read: try the next one.
    }
    setTimeout(look, 250);
  };
  look();
}

// ---- small helpers ----

function make(tag, className, children = []) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.append(...(typeof children === "string" ? [children] : children));
  return element;
}

// A copy of one of the page's icons (the <template id="verify-icons">), or nothing.
function icon(name) {
  const found = document.getElementById("verify-icons")?.content.querySelector(
    `[data-icon="${name}"] svg`,
  );
  return found ? found.cloneNode(true) : "";
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (match, name) => String(values[name] ?? match));
}

// "2 hours ago" in the page's language; under a minute, "this minute".
function ageOf(instant, lang) {
  const seconds = (Date.parse(instant) - Date.now()) / 1000;
  const format = new Intl.RelativeTimeFormat(lang, {numeric: "auto"});
  for (const [unit, size] of [["day", 86400], ["hour", 3600]]) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return format.format(Math.trunc(seconds / 60), "minute");
}

// 24/11/2026 14:16 in Vietnam, as the server writes times.
function localTime(instant) {
  const parts = Object.fromEntries(
    LOCAL_TIME.formatToParts(new Date(instant)).map(({type, value}) => [type, value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}
