// Animations start paused on their poster (a still of the last frame). The reader starts and
// stops them with a real <button>, so they are reachable and operable from the keyboard.
// Pausing freezes the frame on screen; nothing ever plays by itself, whatever the reader's
// motion preference. Each animation comes in two layouts (<picture> picks the phone one on
// narrow screens): playing swaps both for their GIFs, pausing both for the frozen frame.
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
    const source = figure.querySelector("source");
    const button = figure.querySelector(".gd-play");
    const show = (column, phone) => {
      if (source) source.srcset = phone;
      img.src = column;
    };
    const setPlaying = (playing) => {
      figure.classList.toggle("is-playing", playing);
      button.setAttribute("aria-pressed", String(playing));
      button.textContent = playing ? "Pause animation" : "Play animation";
    };
    button.addEventListener("click", () => {
      if (figure.classList.contains("is-playing")) {
        const still = freeze(img);
        show(still || figure.dataset.poster, still || figure.dataset.posterPhone);
        setPlaying(false);
      } else {
        img.loading = "eager";
        show(figure.dataset.gif, figure.dataset.gifPhone);
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
