// Self-assessment form: autosave feedback and retry on a dropped connection.
// The form posts itself (htmx, hx-trigger="change delay:1s"); this file only reports progress,
// retries after a network error and warns before leaving with unsaved changes.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave]");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  let dirty = false;
  let retry = null;
  form.addEventListener("input", () => { dirty = true; });
  form.addEventListener("change", () => { dirty = true; });
  let submitting = false;
  const buttons = form.querySelectorAll(".sticky-actions button");
  form.addEventListener("htmx:beforeRequest", (event) => {
    // A full save is on its way: a late autosave would only be refused as stale.
    if (submitting) { event.preventDefault(); return; }
    buttons.forEach((b) => { b.disabled = true; });
    if (status) status.textContent = "Đang lưu nháp…";
  });
  form.addEventListener("htmx:afterRequest", (event) => {
    buttons.forEach((b) => { b.disabled = false; });
    if (event.detail.successful) {
      dirty = false;
      if (retry) { clearTimeout(retry); retry = null; }
    }
  });
  const offline = () => {
    if (status) status.textContent = "Mất kết nối – nội dung vẫn còn trên trang, sẽ tự lưu lại khi có mạng.";
    if (!retry) {
      retry = setTimeout(() => { retry = null; window.htmx.trigger(form, "change"); }, 10000);
    }
  };
  form.addEventListener("htmx:sendError", offline);
  form.addEventListener("htmx:timeout", offline);
  // Normal submit (Lưu nháp / Lưu và nộp) saves everything: no warning then.
  form.addEventListener("submit", () => { dirty = false; submitting = true; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
});
