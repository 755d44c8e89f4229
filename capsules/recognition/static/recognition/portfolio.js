// "Copier le lien": the share link goes to the clipboard (or is selected for a manual copy). Strings in the
// page's language (capsules/static/capsules/i18n.js, the catalogue the page embeds).
const { gettext } = globalThis.gesteI18n;
document.querySelectorAll("[data-copy]").forEach((button) => {
  const input = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + "-status");
  button.hidden = false;
  input.addEventListener("focus", () => input.select());
  button.addEventListener("click", async () => {
    input.focus();
    input.select();
    try {
      await navigator.clipboard.writeText(input.value);
      status.textContent = gettext("Lien copié.");
    } catch {
      status.textContent = gettext("Le lien est sélectionné\u00a0: copiez-le (Ctrl+C, ou appui long puis Copier).");
    }
  });
});

// A link just created is shown once: keyboard focus goes to it (selected, ready to copy), and the
// box is scrolled into view, so the learner does not have to look for it after the page reloads.
const created = document.getElementById("share-link");
if (created) {
  created.closest(".share-created").scrollIntoView({ block: "center" });
  created.focus();
  created.select();
}
