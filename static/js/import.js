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
