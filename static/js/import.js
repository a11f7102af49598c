// Upload progress for the import form (htmx sends the file; this only shows how far it got).
document.addEventListener("DOMContentLoaded", () => {
  document.body.addEventListener("htmx:xhr:progress", (event) => {
    const form = event.target.closest("[data-import-form]");
    const bar = form && form.querySelector("[data-upload-progress]");
    if (bar && event.detail.lengthComputable) {
      bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
    }
  });
});

// A confirm form sends once: a second click on a slow connection must not apply the file twice.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-submit-once]");
  if (!form) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  form.querySelectorAll("button[type=submit]").forEach((button) => {
    button.classList.add("disabled");
    button.setAttribute("aria-disabled", "true");
  });
});
