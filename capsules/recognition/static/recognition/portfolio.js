// "Copier le lien": the share link goes to the clipboard (or is selected for a manual copy).
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
      status.textContent = "Lien copié.";
    } catch {
      status.textContent = "Le lien est sélectionné : copiez-le (Ctrl+C, ou appui long puis Copier).";
    }
  });
});
