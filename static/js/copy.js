// "Copy body": copies the plain text at data-copy-url to the clipboard. Without JavaScript
// the button stays hidden and "View body" shows the same text to copy by hand.
document.querySelectorAll("[data-copy-url]").forEach((button) => {
  const status = document.getElementById(button.dataset.copyStatus);
  button.hidden = false;
  button.addEventListener("click", async () => {
    try {
      const response = await fetch(button.dataset.copyUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.statusText);
      await navigator.clipboard.writeText(await response.text());
      status.textContent = "Body copied to the clipboard.";
    } catch (error) {
      status.textContent = "Could not copy; open \u201cView body\u201d and copy the text from there.";
    }
  });
});
