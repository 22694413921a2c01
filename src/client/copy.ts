/**
 * Copy buttons for citation blocks, as progressive enhancement: the buttons are hidden in the HTML and
 * shown only here, so with JavaScript off the page shows the text to select and copy by hand.
 */
for (const button of document.querySelectorAll<HTMLButtonElement>("button[data-copy]")) {
  const target = document.getElementById(button.dataset.copy ?? "");
  if (!target) continue;
  const label = button.textContent ?? "Copy";
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(target.textContent ?? "");
      button.textContent = "Copied";
    } catch {
      // No clipboard (an insecure origin, a denied permission): select the text for Ctrl+C instead.
      const range = document.createRange();
      range.selectNodeContents(target);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      button.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 2000);
  });
}
