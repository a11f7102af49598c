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
  form.addEventListener("htmx:beforeRequest", () => {
    if (status) status.textContent = "Đang lưu nháp…";
  });
  form.addEventListener("htmx:afterRequest", (event) => {
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
  form.addEventListener("submit", () => { dirty = false; });
  window.addEventListener("beforeunload", (event) => {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });
});
