// Behaviour that needs script, kept out of the pages (the CSP allows no inline script).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons that ask before acting: <button data-confirm="...">.
  document.body.addEventListener("click", (event) => {
    const el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  });
  // Selects that submit their form on change: <select data-autosubmit>.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
});
