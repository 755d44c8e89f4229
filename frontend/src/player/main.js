// Entry point: one Player per [data-geste-player] element on the page.
import { Player } from "./player.js";

for (const root of document.querySelectorAll("[data-geste-player]")) {
  const player = new Player(root);
  root.gestePlayer = player; // handy for tests and the browser console
  player.start();
}
