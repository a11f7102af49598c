// Self-assessment form: autosave feedback, retries, field errors in place, and keeping what the
// officer typed across a reload. The form posts itself (htmx, hx-trigger="change delay:1s");
// the server answers a status line whose [data-autosave-result] is saved / partial / stale /
// refused, with [data-field] items naming refused fields. Values are kept as typed (strings):
// this file never parses numbers.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const storageKey = `thidua:draft:${form.dataset.draftKey || form.action}`;
  const buttons = form.querySelectorAll(".sticky-actions button");

  // --- What the officer typed -------------------------------------------------------------------
  const fields = () => Array.from(form.elements).filter((el) =>
    el.name && !el.disabled && el.name !== "csrfmiddlewaretoken" && el.name !== "revision"
    && ["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)
    && !["submit", "button", "file", "hidden"].includes(el.type));
  const loaded = Object.fromEntries(fields().map((el) => [el.name, el.value]));
  // A page rendered from a refused full save holds input that is not saved: the fields typed
  // before that submit (noted at submit time) count as typed; without the note, all of them.
  const submittedKey = `${storageKey}:submitted`;
  let typedBefore = new Set();
  if (form.hasAttribute("data-unsaved")) {
    let names = null;
    try { names = JSON.parse(sessionStorage.getItem(submittedKey) || "null"); } catch { /* */ }
    typedBefore = new Set(Array.isArray(names) ? names : Object.keys(loaded));
  }
  try { sessionStorage.removeItem(submittedKey); } catch { /* storage disabled */ }
  const typed = () => Object.fromEntries(fields()
    .filter((el) => typedBefore.has(el.name) || loaded[el.name] !== el.value)
    .map((el) => [el.name, el.value]));

  let dirty = form.hasAttribute("data-unsaved");
  let edits = 0; // bumped by every edit; a save clears `dirty` only if none came in meanwhile
  let sentEdits = 0;
  const offers = new Map(); // field name → stored text offered beside the field
  const touched = (event) => {
    // Retries trigger "change" on the form itself; every event from a field is an edit.
    if (event.target !== form) { dirty = true; edits += 1; }
  };
  form.addEventListener("input", touched);
  form.addEventListener("change", touched);

  const readStored = () => {
    try { return JSON.parse(sessionStorage.getItem(storageKey) || "null"); } catch { return null; }
  };
  const writeStored = (values) => {
    try {
      if (Object.keys(values).length) {
        const revision = form.querySelector("[name=revision]")?.value;
        sessionStorage.setItem(storageKey, JSON.stringify({ revision, values, at: Date.now() }));
      } else {
        sessionStorage.removeItem(storageKey);
      }
    } catch { /* storage full or disabled: the beforeunload warning still guards the text */ }
  };
  // Unsaved input goes to this tab's sessionStorage before the page goes away (reload link,
  // F5 after the warning, leaving): it is offered again beside the saved values on return.
  const keepTyped = () => {
    const values = Object.fromEntries(offers);
    if (dirty) Object.assign(values, typed());
    writeStored(values);
  };

  // --- Field errors in place --------------------------------------------------------------------
  const markField = (el, message) => {
    const errorId = `${el.id}_error`;
    let box = document.getElementById(errorId);
    if (message) {
      if (!box) {
        box = document.createElement("div");
        box.id = errorId;
        box.className = "invalid-feedback";
        el.insertAdjacentElement("afterend", box);
      }
      box.textContent = message;
      el.classList.add("is-invalid");
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", errorId);
    } else if (el.classList.contains("is-invalid")) {
      el.classList.remove("is-invalid");
      el.removeAttribute("aria-invalid");
      if (box) box.remove();
    }
  };

  // --- Offers after a reload: "Bản bạn đang gõ (chưa lưu)" beside the saved value -------------
  let notice = null;
  const updateNotice = () => {
    if (!offers.size) {
      if (notice) { notice.remove(); notice = null; }
      return;
    }
    if (!notice) {
      notice = document.createElement("div");
      notice.className = "alert alert-warning";
      notice.setAttribute("role", "status");
      notice.dataset.testid = "unsaved-notice";
      form.prepend(notice);
    }
    notice.textContent = `Trang đã tải lại với bản đã lưu mới nhất. Còn ${offers.size} ô bạn đã `
      + "nhập nhưng chưa được lưu: nội dung đó hiện bên cạnh ô (“Bản bạn đang gõ (chưa lưu)”); "
      + "chọn “Dùng bản này” để đưa vào ô và lưu, hoặc “Bỏ qua” để giữ bản đã lưu.";
  };
  const shownText = (el, value) => {
    if (el.tagName === "SELECT") {
      const option = Array.from(el.options).find((o) => o.value === value);
      return option ? option.text : value;
    }
    return value === "" ? "(để trống)" : value;
  };
  const resolveOffer = (name, box) => {
    offers.delete(name);
    box.remove();
    writeStored(Object.fromEntries(offers));
    updateNotice();
  };
  const offer = (el, value) => {
    offers.set(el.name, value);
    const box = document.createElement("div");
    box.className = "unsaved-offer alert alert-warning small py-2 mt-1 mb-2";
    box.dataset.testid = "unsaved-offer";
    box.dataset.field = el.id;
    const title = document.createElement("div");
    title.className = "fw-semibold";
    title.textContent = "Bản bạn đang gõ (chưa lưu):";
    const text = document.createElement("div");
    text.className = "unsaved-text";
    text.textContent = shownText(el, value);
    const use = document.createElement("button");
    use.type = "button";
    use.className = "btn btn-sm btn-warning me-2 mt-1";
    use.textContent = "Dùng bản này";
    use.addEventListener("click", () => {
      el.value = value;
      resolveOffer(el.name, box);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      el.dispatchEvent(new Event("change", { bubbles: true }));
      el.focus();
    });
    const skip = document.createElement("button");
    skip.type = "button";
    skip.className = "btn btn-sm btn-outline-secondary mt-1";
    skip.textContent = "Bỏ qua, giữ bản đã lưu";
    skip.addEventListener("click", () => resolveOffer(el.name, box));
    box.append(title, text, use, skip);
    const wrapper = document.getElementById(`div_${el.id}`) || el.parentElement;
    wrapper.append(box);
  };
  const stored = readStored();
  if (stored && stored.values) {
    for (const el of fields()) {
      const value = stored.values[el.name];
      if (value !== undefined && value !== el.value) offer(el, value);
    }
    writeStored(Object.fromEntries(offers));
    updateNotice();
  }

  // --- Status line, failures and retries --------------------------------------------------------
  const say = (text, detail, cls) => {
    if (!status) return;
    const main = document.createElement("span");
    main.className = cls || "";
    main.textContent = text;
    status.replaceChildren(main);
    if (detail) {
      const small = document.createElement("span");
      small.className = "text-muted ms-1";
      small.textContent = detail;
      status.append(small);
    }
  };
  let failures = 0;
  let retryTimer = null;
  let cause = "";
  const RETRY_MS = [2000, 4000, 8000, 15000, 30000, 60000];
  const retryNow = () => {
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    window.htmx.trigger(form, "change");
  };
  const failed = (why) => {
    failures += 1;
    cause = why;
    const wait = RETRY_MS[Math.min(failures - 1, RETRY_MS.length - 1)];
    say("Chưa lưu được – đang thử lại…",
      `(${why}; nội dung vẫn còn trên trang; thử lại sau ${Math.round(wait / 1000)} giây, `
      + `lần thử thứ ${failures + 1})`, "text-danger fw-semibold");
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => { retryTimer = null; window.htmx.trigger(form, "change"); }, wait);
  };
  window.addEventListener("online", () => { if (failures) retryNow(); });

  let submitting = false;
  form.addEventListener("htmx:beforeRequest", (event) => {
    // A full save is on its way: a late autosave would only be refused as stale.
    if (submitting) { event.preventDefault(); return; }
    sentEdits = edits;
    buttons.forEach((b) => { b.disabled = true; });
    if (failures) {
      say("Chưa lưu được – đang thử lại…", `(${cause}; đang gửi lại, lần thử thứ ${failures + 1})`,
        "text-danger fw-semibold");
    } else {
      say("Đang lưu nháp…");
    }
  });
  form.addEventListener("htmx:beforeSwap", (event) => {
    // Only our status line is swapped in: anything else (a sign-in page after the session ended,
    // a proxy's error page) is a failure, retried.
    const text = event.detail.xhr.responseText || "";
    if (event.detail.isError || !text.includes("data-autosave-result")) {
      event.detail.shouldSwap = false;
      event.detail.isError = true;
    }
  });
  form.addEventListener("htmx:afterRequest", (event) => {
    buttons.forEach((b) => { b.disabled = false; });
    const answer = event.detail.successful && status?.querySelector("[data-autosave-result]");
    if (!answer) {
      if (event.detail.xhr && event.detail.xhr.status >= 500) failed("máy chủ báo lỗi");
      else if (event.detail.xhr && event.detail.xhr.status) failed("máy chủ trả lời không đúng, có thể phiên đăng nhập đã hết");
      else failed("mất kết nối mạng");
      return;
    }
    failures = 0;
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    const result = answer.dataset.autosaveResult;
    if (result === "saved" || result === "partial") {
      const refused = new Map(Array.from(answer.querySelectorAll("[data-field]"))
        .map((li) => [li.dataset.field, li.dataset.message]));
      fields().forEach((el) => markField(el, refused.get(el.id)));
      // Only a full save with nothing typed since it left clears the flag; refusals never do.
      if (result === "saved" && edits === sentEdits) dirty = false;
    }
  });

  // "Tải lại trang" in a stale message: keep the typed text for the reloaded page, no warning.
  let leaving = false;
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-keep-draft]");
    if (!link) return;
    event.preventDefault();
    keepTyped();
    leaving = true;
    window.location.assign(link.href);
  });
  // Normal submit (Lưu nháp / Lưu và nộp) posts everything; a refusal renders it back.
  form.addEventListener("submit", () => {
    try {
      sessionStorage.setItem(submittedKey, JSON.stringify(Object.keys(typed())));
    } catch { /* storage disabled: a refused page then counts every field as typed */ }
    dirty = false;
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!leaving && (dirty || offers.size)) { event.preventDefault(); event.returnValue = ""; }
  });
  window.addEventListener("pagehide", () => { if (!submitting) keepTyped(); });
});
