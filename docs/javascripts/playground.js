// The learning-rate playground (docs/playground.md). Every number comes from the JSON that gdsim
// exports at build time (gdsim/site/playground.py, put in the page by the MkDocs hook); this script
// only iterates and draws. Its gradient descent repeats gdsim's arithmetic operation for
// operation (gdsim/model.py, gdsim/descent.py), NumPy's pairwise summation included, so its
// iterates equal descent.gradient_descent's. Nothing moves by itself: the reader plays, steps
// and resets; under reduced motion "Play" shows the whole run at once. Only this page loads it.
(function () {
  "use strict";
  const root = document.getElementById("gd-playground");
  const source = document.getElementById("gd-playground-data");
  if (!root || !source) return;
  const DATA = JSON.parse(source.textContent);
  const PROBLEMS = {};
  DATA.problems.forEach((p) => { PROBLEMS[p.name] = p; });
  const $ = (id) => document.getElementById(id);

  // ------------------------------------------------------------ gdsim's arithmetic, in the same order

  // NumPy's pairwise sum of a contiguous float64 array (np.add.reduce): blocks of at most 128
  // values summed with 8 accumulators, longer arrays split in two at a multiple of 8.
  function pairwise(a, lo, n) {
    if (n < 8) {
      let s = -0.0;
      for (let i = lo; i < lo + n; i++) s += a[i];
      return s;
    }
    if (n <= 128) {
      const r = a.slice(lo, lo + 8);
      let i = 8;
      for (; i < n - (n % 8); i += 8) {
        for (let j = 0; j < 8; j++) r[j] += a[lo + i + j];
      }
      let s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) s += a[lo + i];
      return s;
    }
    let half = Math.floor(n / 2);
    half -= half % 8;
    return pairwise(a, lo, half) + pairwise(a, lo + half, n - half);
  }
  // np.mean: the sum, then divided by the count
  const mean = (a) => pairwise(a, 0, a.length) / a.length;

  function lossAndGradient(p) {
    if (p.dims === 1) {
      const c = p.curvature;
      // L = ½·c·θ², ∇L = c·θ (gdsim.quadratic.run)
      return {loss: (t) => 0.5 * c * (t[0] * t[0]), gradient: (t) => [c * t[0]]};
    }
    const x = p.x, y = p.y, n = x.length;
    const r = new Array(n), sq = new Array(n), xr = new Array(n);
    // r = (b + w·x) − y (model.residuals)
    const residuals = (t) => { for (let i = 0; i < n; i++) r[i] = (t[0] + t[1] * x[i]) - y[i]; };
    return {
      // L = mean(r²) (model.mse)
      loss: (t) => { residuals(t); for (let i = 0; i < n; i++) sq[i] = r[i] * r[i]; return mean(sq); },
      // ∇L = [2·mean(r), 2·mean(x·r)] (model.gradient)
      gradient: (t) => {
        residuals(t);
        for (let i = 0; i < n; i++) xr[i] = x[i] * r[i];
        return [2.0 * mean(r), 2.0 * mean(xr)];
      },
    };
  }

  const finite = (v) => v.every(Number.isFinite);
  // Every problem here diverges far below this rate; above it the numbers say nothing more (and
  // at 10³⁰⁸ the axes ran out of floating point).
  const MAX_LR = 1e6;

  // descent.descend: θ ← θ − η∇L(θ); stop at an exact fixed point, or once a step or its loss is
  // not finite or the loss passes explode_factor × the starting loss (then only finite steps stay).
  function run(name, start, lr, steps) {
    if (!(Number.isInteger(steps) && steps >= 0 && steps <= DATA.max_steps)) {
      throw new Error(`steps must be a whole number from 0 to ${DATA.max_steps}, got ${steps}`);
    }
    if (!(lr > 0 && lr <= MAX_LR)) throw new Error(`the learning rate must be above 0 and at most ${MAX_LR}, got ${lr}`);
    const p = PROBLEMS[name];
    const f = lossAndGradient(p);
    let theta = start.slice();
    let value = f.loss(theta), slope = f.gradient(theta);
    if (!Number.isFinite(value) || !finite(slope)) throw new Error("the loss at the start is not finite");
    const params = [theta], losses = [value];
    const limit = DATA.explode_factor * Math.max(value, DATA.loss_scale_floor);
    let diverged = false, converged = false;
    for (let k = 0; k < steps; k++) {
      const candidate = theta.map((t, i) => t - lr * slope[i]);
      if (candidate.every((t, i) => t === theta[i])) { converged = true; break; }
      value = f.loss(candidate);
      if (!finite(candidate) || !Number.isFinite(value) || value > limit) { diverged = true; break; }
      slope = f.gradient(candidate);
      if (!finite(slope)) { diverged = true; break; }
      theta = candidate;
      params.push(theta);
      losses.push(value);
    }
    return {params, losses, diverged, converged};
  }

  // Along an eigen-direction each step multiplies the error by 1 − ηλ: the regime from η's place
  // against 1/λ and 2/λ (gdsim.quadratic.regime).
  // Thresholds reached along different paths can differ in their last bits (the standardized
  // problem's two equal curvatures came out 2 ulps apart, and two identical rows disagreed): a rate
  // within a relative 10⁻¹² of a threshold is on it.
  const on = (lr, threshold) => Math.abs(lr - threshold) <= 1e-12 * threshold;
  function regime(lr, d) {
    if (on(lr, d.one_step)) return "one step";
    if (lr < d.one_step) return "monotone";
    if (on(lr, d.limit)) return "bouncing";
    if (lr < d.limit) return "oscillating";
    return "diverging";
  }

  // ------------------------------------------------------------ state

  const reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  const SLIDER = $("gd-pg-lr");
  const RESOLUTION = Number(SLIDER.max);
  const state = {problem: DATA.problems[0], start: null, lr: 0, run: null, shown: 0, timer: null};

  // three significant digits (or as many as asked), a real minus sign
  const fmt = (v, digits = 3) => (v === 0 ? "0" : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4
    ? Number(v.toPrecision(digits)).toString() : v.toExponential(digits - 1)).replace("-", "−");
  // A value with enough digits to tell it from every mark it is not on: at η = 1.001 on θ² three
  // digits read "η = 1" beside "2/λ = 1", and a factor "−1", next to "diverging".
  function fmtApart(value, marks) {
    for (let digits = 3; digits < 12; digits++) {
      if (marks.every((m) => value === m || on(Math.abs(value), Math.abs(m)) && Math.sign(value) === Math.sign(m)
          || fmt(m, digits) !== fmt(value, digits))) return fmt(value, digits);
    }
    return fmt(value, 12);
  }
  const fmtRate = (lr) => fmtApart(lr, state.problem.directions.flatMap((d) => [d.one_step, d.limit]));
  const sliderToLr = (v) => {
    const r = state.problem.rates, lo = Math.log(r.min), hi = Math.log(r.max);
    return Math.exp(lo + (v / RESOLUTION) * (hi - lo));
  };
  const lrToSlider = (lr) => {
    const r = state.problem.rates, lo = Math.log(r.min), hi = Math.log(r.max);
    return Math.round(((Math.log(lr) - lo) / (hi - lo)) * RESOLUTION);
  };

  function recompute() {
    stop();
    state.run = run(state.problem.name, state.start, state.lr, DATA.max_steps);
    state.shown = 0;
    drawAll();
  }

  function say(text) { $("gd-pg-status").textContent = text; }

  function describe() {
    const r = state.run, k = state.shown, last = r.params.length - 1;
    let text = `Step ${k}: loss ${fmt(r.losses[k])} at ${state.problem.parameters.map((n, i) => `${n} = ${fmt(r.params[k][i])}`).join(", ")}.`;
    if (k === last && r.diverged) text += ` Diverged: the next step would take the loss past ${fmt(DATA.explode_factor)} times its start, so the run stopped.`;
    else if (k === last && r.converged) text += " An exact fixed point: the next step would not change θ.";
    else if (k === last) text += ` The end of the run (${fmt(DATA.max_steps)} steps).`;
    return text;
  }

  function setLr(lr, fromSlider) {
    state.lr = lr;
    if (!fromSlider) SLIDER.value = String(Math.min(RESOLUTION, Math.max(0, lrToSlider(lr))));
    const text = `η = ${fmtRate(lr)}`;
    SLIDER.setAttribute("aria-valuetext", text);
    $("gd-pg-lr-shown").textContent = text;
    const input = $("gd-pg-lr-exact");
    if (document.activeElement !== input) input.value = String(lr);
    input.removeAttribute("aria-invalid");
    showRegimes();
    recompute();
  }

  function setProblem(name) {
    state.problem = PROBLEMS[name];
    state.start = state.problem.start.slice();
    const r = state.problem.rates;
    $("gd-pg-lr-exact").min = String(r.min);
    $("gd-pg-lr-exact").max = String(r.max);
    root.dataset.dims = String(state.problem.dims);
    setLr(r.default, false);
  }

  // ------------------------------------------------------------ play, pause, step, reset

  function setPlaying(playing) {
    const button = $("gd-pg-play");
    button.setAttribute("aria-pressed", String(playing));
    button.textContent = playing ? "Pause" : "Play";
  }
  function stop() {
    if (state.timer !== null) clearInterval(state.timer);
    state.timer = null;
    setPlaying(false);
  }
  const atEnd = () => state.shown >= state.run.params.length - 1;
  function advance(count) {
    state.shown = Math.min(state.run.params.length - 1, state.shown + count);
    drawAll();
    if (atEnd()) { stop(); say(describe()); }
  }
  function play() {
    if (atEnd()) state.shown = 0;
    if (reduceMotion.matches) { advance(Infinity); return; }
    setPlaying(true);
    say("Playing.");
    // one step per tick at first, then more per tick, so a long run does not take minutes
    state.timer = setInterval(() => advance(1 + Math.floor(state.shown / 25)), 90);
  }
  $("gd-pg-play").addEventListener("click", () => {
    if (state.timer !== null) { stop(); say(`Paused. ${describe()}`); } else play();
  });
  $("gd-pg-step").addEventListener("click", () => {
    stop();
    if (atEnd()) say(describe());
    else { advance(1); if (!atEnd()) say(describe()); }
  });
  $("gd-pg-reset").addEventListener("click", () => {
    stop();
    state.shown = 0;
    drawAll();
    say(`Reset. ${describe()}`);
  });

  // ------------------------------------------------------------ inputs

  SLIDER.addEventListener("input", () => setLr(sliderToLr(Number(SLIDER.value)), true));
  SLIDER.addEventListener("change", () => say(describeRegimes()));
  $("gd-pg-lr-exact").addEventListener("change", (event) => {
    const value = Number(event.target.value);
    if (!(value > 0 && value <= MAX_LR)) {
      event.target.setAttribute("aria-invalid", "true");
      say("The learning rate must be a positive number, at most 1,000,000.");
      return;
    }
    event.target.removeAttribute("aria-invalid");
    setLr(value, false);
    say(describeRegimes());
  });
  const select = $("gd-pg-problem");
  DATA.problems.forEach((p) => select.add(new Option(p.label, p.name)));
  select.addEventListener("change", () => { setProblem(select.value); say(`${state.problem.label}. ${describe()}`); });

  // The map: a click picks the start; with focus, the arrow keys move it (Shift: further), Home restores it.
  const map = $("gd-pg-map");
  function toParams(px, py) {
    const rect = map.getBoundingClientRect(), box = plotBox(rect.width, rect.height), p = state.problem;
    const u = (px - rect.left - box.x) / box.w, v = (py - rect.top - box.y) / box.h;
    if (u < 0 || u > 1 || v < 0 || v > 1) return null;
    const [b0, b1] = p.window[0];
    if (p.dims === 1) return [b0 + u * (b1 - b0)];
    const [w0, w1] = p.window[1];
    return [b0 + u * (b1 - b0), w1 - v * (w1 - w0)];
  }
  function moveStart(start) {
    state.start = start;
    recompute();
    say(`Start ${state.problem.parameters.map((n, i) => `${n} = ${fmt(start[i])}`).join(", ")}. ${describeRegimes()}`);
  }
  map.addEventListener("click", (event) => {
    const at = toParams(event.clientX, event.clientY);
    if (at) moveStart(at);
  });
  map.addEventListener("keydown", (event) => {
    const p = state.problem;
    const moves = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]};
    if (event.key === "Home") { event.preventDefault(); moveStart(p.start.slice()); return; }
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const parts = event.shiftKey ? 8 : 40;
    const start = state.start.map((t, i) => {
      if (i >= p.window.length) return t;
      const [lo, hi] = p.window[i];
      const along = p.dims === 1 ? move[0] || move[1] : move[i];
      return Math.min(hi, Math.max(lo, t + (along * (hi - lo)) / parts));
    });
    moveStart(start);
  });

  // ------------------------------------------------------------ the thresholds

  function describeRegimes() {
    const p = state.problem;
    return p.directions.map((d) => `${p.dims === 1 ? "Along θ" : `Along the ${d.name} direction`}: ${regime(state.lr, d)}`).join(". ") + ".";
  }
  function showRegimes() {
    const p = state.problem, body = $("gd-pg-regimes");
    const lo = Math.log(p.rates.min), span = Math.log(p.rates.max) - lo;
    const at = (v) => `${Math.min(100, Math.max(0, ((Math.log(v) - lo) / span) * 100)).toFixed(2)}%`;
    body.replaceChildren(...p.directions.map((d) => {
      const row = document.createElement("tr");
      const word = regime(state.lr, d);
      row.dataset.regime = word.replace(" ", "-");
      const cells = [
        p.dims === 1 ? "θ" : d.name, fmt(d.lam), fmt(d.one_step), fmt(d.limit), fmtApart(1 - state.lr * d.lam, [-1, 0, 1]),
      ].map((t) => { const c = document.createElement("td"); c.textContent = t; return c; });
      const last = document.createElement("td");
      const bar = document.createElement("span");
      bar.className = "gd-pg-bar";
      bar.setAttribute("aria-hidden", "true");
      bar.style.setProperty("--one", at(d.one_step));
      bar.style.setProperty("--two", at(d.limit));
      bar.style.setProperty("--eta", at(state.lr));
      const label = document.createElement("strong");
      label.className = "gd-pg-word";
      label.textContent = word;
      last.append(label, bar);
      row.append(...cells, last);
      return row;
    }));
    const worst = p.directions.some((d) => regime(state.lr, d) === "diverging") ? "diverging" : "converging";
    root.dataset.verdict = worst;
  }

  // ------------------------------------------------------------ drawing

  // The site's map colours: matplotlib's viridis as BoundaryNorm(levels, 256) gives it to 12 bands (gdsim/draw/style.py).
  const VIRIDIS = ["#440154", "#482173", "#433e85", "#38588c", "#2e6f8e", "#25848e", "#1e9b8a", "#2ab07f",
    "#50c46a", "#84d44b", "#c0df25", "#fde725"];
  const COLOURS = {start: "#D55E00", minimum: "#009E73", path: "#ffffff", edge: "#24292f", steep: "#D55E00", loss: "#0072B2", up: "#CC79A7"};
  const css = (name) => getComputedStyle(root).getPropertyValue(name).trim();

  function plotBox(width, height) {
    const left = 44, bottom = 34, top = 10, right = 10;
    return {x: left, y: top, w: Math.max(10, width - left - right), h: Math.max(10, height - top - bottom)};
  }
  function fit(canvas) {
    const rect = canvas.getBoundingClientRect(), ratio = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width * ratio)), h = Math.max(1, Math.round(rect.height * ratio));
    if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
    const ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, rect.width, rect.height);
    return {ctx, width: rect.width, height: rect.height, ratio};
  }
  function axisText(ctx, text, x, y, align, baseline) {
    ctx.fillStyle = css("--gd-pg-fg");
    ctx.font = "12px system-ui, sans-serif";
    ctx.textAlign = align;
    ctx.textBaseline = baseline;
    ctx.fillText(text, x, y);
  }

  let background = {key: "", image: null};
  function bands(p, box, ratio) {
    // Each pixel's exact loss L = L* + ½·dᵀHd, d = θ − θ*, coloured by its band between gdsim's levels.
    const key = `${p.name}:${box.w}x${box.h}@${ratio}`;
    if (background.key === key) return background.image;
    const w = Math.round(box.w * ratio), h = Math.round(box.h * ratio);
    const image = new ImageData(w, h);
    const [b0, b1] = p.window[0], [w0, w1] = p.window[1], H = p.hessian, m = p.minimum, levels = p.levels;
    const rgb = VIRIDIS.map((c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)));
    const index = new Uint8Array(w * h);
    for (let j = 0; j < h; j++) {
      const dw = w1 - ((j + 0.5) / h) * (w1 - w0) - m[1];
      for (let i = 0; i < w; i++) {
        const db = b0 + ((i + 0.5) / w) * (b1 - b0) - m[0];
        const L = p.floor + 0.5 * (H[0][0] * db * db + 2 * H[0][1] * db * dw + H[1][1] * dw * dw);
        let band = 0;
        while (band < levels.length - 2 && L > levels[band + 1]) band++;
        index[j * w + i] = band;
      }
    }
    for (let k = 0; k < w * h; k++) {
      // a pixel whose right or lower neighbour lies in another band is on a contour: drawn light
      const i = k % w, edge = (i + 1 < w && index[k + 1] !== index[k]) || (k + w < w * h && index[k + w] !== index[k]);
      const base = rgb[index[k]], o = 4 * k;
      for (let ch = 0; ch < 3; ch++) image.data[o + ch] = edge ? Math.round(base[ch] + 0.6 * (255 - base[ch])) : base[ch];
      image.data[o + 3] = 255;
    }
    background = {key, image};
    return image;
  }

  function drawMap() {
    const p = state.problem, {ctx, width, height, ratio} = fit(map), box = plotBox(width, height);
    const r = state.run, shown = r.params.slice(0, state.shown + 1);
    const [b0, b1] = p.window[0];
    const X = (b) => box.x + ((b - b0) / (b1 - b0)) * box.w;
    let Y;
    if (p.dims === 2) {
      const [w0, w1] = p.window[1];
      Y = (w) => box.y + ((w1 - w) / (w1 - w0)) * box.h;
      ctx.putImageData(bands(p, box, ratio), Math.round(box.x * ratio), Math.round(box.y * ratio));
      axisText(ctx, "b", box.x + box.w / 2, height - 2, "center", "bottom");
      axisText(ctx, "w", 4, box.y + box.h / 2, "left", "middle");
      axisText(ctx, fmt(w1), box.x - 4, box.y, "right", "top");
      axisText(ctx, fmt(w0), box.x - 4, box.y + box.h, "right", "bottom");
    } else {
      // L from a little below 0 (the minimum's star shows whole) to the top level
      const top = p.levels[p.levels.length - 1], bottom = -top / 16;
      Y = (L) => box.y + ((top - L) / (top - bottom)) * box.h;
      ctx.strokeStyle = css("--gd-pg-fg");
      ctx.lineWidth = 2;
      ctx.beginPath();
      for (let i = 0; i <= 100; i++) {
        const t = b0 + (i / 100) * (b1 - b0);
        ctx[i ? "lineTo" : "moveTo"](X(t), Y(0.5 * p.curvature * t * t));
      }
      ctx.stroke();
      axisText(ctx, "θ", box.x + box.w / 2, height - 2, "center", "bottom");
      axisText(ctx, "L", 4, box.y + box.h / 2, "left", "middle");
    }
    axisText(ctx, fmt(b0), box.x, box.y + box.h + 4, "left", "top");
    axisText(ctx, fmt(b1), box.x + box.w, box.y + box.h + 4, "right", "top");
    ctx.save();
    ctx.beginPath();
    ctx.rect(box.x, box.y, box.w, box.h);
    ctx.clip();
    // each iterate: (b, w) on the map, (θ, L) on the parabola
    const point = (k) => (p.dims === 2 ? [X(shown[k][0]), Y(shown[k][1])] : [X(shown[k][0]), Y(r.losses[k])]);
    const along = p.dims === 2 ? COLOURS.path : css("--gd-pg-path");
    if (p.dims === 2) {
      ctx.strokeStyle = COLOURS.steep;
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      const s = p.directions[1].vector, reach = Math.max(b1 - b0, p.window[1][1] - p.window[1][0]);
      ctx.beginPath();
      ctx.moveTo(X(p.minimum[0] - reach * s[0]), Y(p.minimum[1] - reach * s[1]));
      ctx.lineTo(X(p.minimum[0] + reach * s[0]), Y(p.minimum[1] + reach * s[1]));
      ctx.stroke();
      ctx.setLineDash([]);
    }
    for (const [colour, widthPx] of [[COLOURS.edge, 4], [along, 2]]) {
      if (p.dims === 1 && colour === COLOURS.edge) continue;
      ctx.strokeStyle = colour;
      ctx.lineWidth = widthPx;
      ctx.beginPath();
      shown.forEach((_, k) => ctx[k ? "lineTo" : "moveTo"](...point(k)));
      ctx.stroke();
    }
    shown.forEach((_, k) => {
      if (k === 0) return;
      const [px, py] = point(k);
      ctx.fillStyle = along;
      ctx.strokeStyle = COLOURS.edge;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.arc(px, py, 3, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    });
    star(ctx, X(p.minimum[0]), p.dims === 2 ? Y(p.minimum[1]) : Y(p.floor));
    const [sx, sy] = point(0);
    ctx.fillStyle = COLOURS.start;
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(sx, sy, 6, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }
  function star(ctx, x, y) {
    ctx.fillStyle = COLOURS.minimum;
    ctx.strokeStyle = "#ffffff";
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let i = 0; i < 10; i++) {
      const radius = i % 2 ? 4 : 10, angle = -Math.PI / 2 + (i * Math.PI) / 5;
      ctx[i ? "lineTo" : "moveTo"](x + radius * Math.cos(angle), y + radius * Math.sin(angle));
    }
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }

  function drawLoss() {
    // L − L* per step on a log scale (straight lines for geometric convergence or growth), axes
    // fixed for the whole run so that playing does not rescale them
    const canvas = $("gd-pg-loss"), {ctx, width, height} = fit(canvas), box = plotBox(width, height);
    const p = state.problem, r = state.run;
    // below ε × the floor (or, on θ², ε × the start loss) the difference is rounding
    const noise = Number.EPSILON * (p.floor > 0 ? p.floor : r.losses[0]);
    const excess = r.losses.map((L) => Math.log10(Math.max(L - p.floor, noise)));
    let lo = Math.floor(Math.min(...excess)), hi = Math.ceil(Math.max(...excess));
    if (hi === lo) hi = lo + 1;
    const steps = Math.max(1, r.losses.length - 1);
    const X = (k) => box.x + (k / steps) * box.w, Y = (v) => box.y + ((hi - v) / (hi - lo)) * box.h;
    ctx.strokeStyle = css("--gd-pg-grid");
    ctx.lineWidth = 1;
    // at most six decades labelled, at round multiples
    const every = [1, 2, 5, 10, 20, 50, 100].find((v) => (hi - lo) / v <= 5) || Math.ceil((hi - lo) / 5);
    for (let e = Math.ceil(lo / every) * every; e <= hi; e += every) {
      ctx.beginPath();
      ctx.moveTo(box.x, Y(e));
      ctx.lineTo(box.x + box.w, Y(e));
      ctx.stroke();
      axisText(ctx, `10${String(e).replace(/./g, (c) => "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"["0123456789-".indexOf(c)])}`, box.x - 4, Y(e), "right", "middle");
    }
    axisText(ctx, "0", box.x, box.y + box.h + 4, "left", "top");
    axisText(ctx, String(steps), box.x + box.w, box.y + box.h + 4, "right", "top");
    axisText(ctx, "step", box.x + box.w / 2, height - 2, "center", "bottom");
    ctx.strokeStyle = css("--gd-pg-loss");
    ctx.lineWidth = 2;
    ctx.beginPath();
    for (let k = 0; k <= state.shown; k++) ctx[k ? "lineTo" : "moveTo"](X(k), Y(excess[k]));
    ctx.stroke();
    if (state.shown === 0) {
      ctx.fillStyle = css("--gd-pg-loss");
      ctx.beginPath();
      ctx.arc(X(0), Y(excess[0]), 3, 0, 2 * Math.PI);
      ctx.fill();
    }
  }

  function drawAll() {
    drawMap();
    drawLoss();
    $("gd-pg-readout").textContent = describe();
    root.dataset.stopped = state.run.diverged && atEnd() ? "diverged" : "";
  }

  // Redraw for a new size or palette (Material sets data-md-color-scheme on <body>).
  new ResizeObserver(() => { if (state.run) drawAll(); }).observe(map);
  new MutationObserver(() => { if (state.run) drawAll(); })
    .observe(document.body, {attributes: true, attributeFilter: ["data-md-color-scheme"]});

  setProblem(DATA.problems[0].name);
  select.value = DATA.problems[0].name;

  // For the browser test: the same iterates without the page, and what the page shows.
  window.gdPlayground = {
    data: DATA,
    run,
    iterate: (name, start, lr, steps) => run(name, start, lr, steps).params,
    regime,
    state: () => ({problem: state.problem.name, lr: state.lr, start: state.start.slice(), shown: state.shown,
      diverged: state.run.diverged, steps: state.run.params.length - 1,
      regimes: state.problem.directions.map((d) => regime(state.lr, d))}),
  };
})();
