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

// Layout (docs/ui.md). The menu bar folds into its toggle button when its entries do not fit on
// one line at the current width (a role with many groups, a long name); otherwise it stays open.
(() => {
  const fitMenu = () => {
    const nav = document.querySelector("nav[data-fit-menu]");
    if (!nav) return;
    nav.classList.add("navbar-expand-xl");
    const bar = nav.querySelector(".container-fluid");
    if (window.innerWidth >= 1200 && bar.scrollWidth > bar.clientWidth + 1) {
      nav.classList.remove("navbar-expand-xl");
    }
  };
  // A table wider than its scroll container (.table-responsive) must be reachable from the
  // keyboard: the container takes focus while it actually scrolls.
  const focusableScrollers = (root) => {
    root.querySelectorAll(".table-responsive").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) {
        if (!box.hasAttribute("tabindex")) {
          box.tabIndex = 0;
          box.dataset.scrollFocus = "";
          const caption = box.querySelector("caption");
          if (caption && !box.hasAttribute("aria-label")) {
            box.setAttribute("role", "region");
            box.setAttribute("aria-label", caption.textContent.trim());
          }
        }
      } else if (box.dataset.scrollFocus !== undefined) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  };
  const layout = () => {
    fitMenu();
    focusableScrollers(document);
  };
  document.addEventListener("DOMContentLoaded", layout);
  window.addEventListener("load", layout); // the icon font changes the entries' widths
  if (document.fonts) document.fonts.ready.then(layout);
  window.addEventListener("resize", layout);
  document.addEventListener("htmx:afterSettle", (event) => focusableScrollers(event.target));
})();
