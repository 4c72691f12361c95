// Animations start paused on their poster (a still of the last frame). The reader starts and
// stops them with a real <button>, so they are reachable and operable from the keyboard.
// Pausing freezes the frame on screen; nothing ever plays by itself, whatever the reader's
// motion preference.
(function () {
  "use strict";

  function freeze(img) {
    // Draw the frame the GIF shows now and keep it as a still (same origin: no tainted canvas).
    try {
      const canvas = document.createElement("canvas");
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      canvas.getContext("2d").drawImage(img, 0, 0);
      return canvas.toDataURL("image/png");
    } catch (error) {
      return null;
    }
  }

  function setUp(figure) {
    if (figure.dataset.ready) return;
    figure.dataset.ready = "yes";
    const img = figure.querySelector("img");
    const button = figure.querySelector(".gd-play");
    const setPlaying = (playing) => {
      figure.classList.toggle("is-playing", playing);
      button.setAttribute("aria-pressed", String(playing));
      button.textContent = playing ? "Pause animation" : "Play animation";
    };
    button.addEventListener("click", () => {
      if (figure.classList.contains("is-playing")) {
        const still = freeze(img);
        img.src = still || figure.dataset.poster;
        setPlaying(false);
      } else {
        img.loading = "eager";
        img.src = figure.dataset.gif;
        setPlaying(true);
      }
    });
    setPlaying(false);
  }

  function setUpAll() {
    document.querySelectorAll("figure.gd-animation").forEach(setUp);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUpAll);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
