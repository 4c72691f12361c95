"""Every alt text names the quantities on its figure's axes, as the figure labels them.

A reader who cannot see a chart hears its alt text instead; an alt text that never says what is
plotted against what could describe another chart. Each asset is drawn from its data, in both
layouts (an animation as its first frame), and every axis label (colour bars' and the figure's
shared labels included) is turned into the words an alt text says for it:

- the mathtext becomes plain text: ``$\\eta$`` → η, ``$\\lambda_{\\max}$`` → λ_max, ``$\\theta^2$`` → θ²;
- a label that starts with words is named by those words: "learning rate $\\eta$ (log scale)"
  by "learning rate", "loss (MSE), square-root scale: …" by "loss";
- a label that starts with a symbol is named by the symbol, or by the name in its parentheses:
  "$b$ (bias)" by "b" or "bias" (a scale, "(log scale)", names nothing);
- ``SPOKEN`` holds the few symbols a sentence says in words.

Matching ignores case and spacing, and lets a noun take its plural ("epoch" in "20 epochs").
"""

from __future__ import annotations

import re

import pytest
from words import said

from gdsim.build import registry
from gdsim.draw.frames import Movie
from gdsim.draw.style import COLUMN, PHONE

NAMES = [asset.name for asset in registry.ASSETS]

# The spoken names of symbols whose label has no words: only where a sentence says them so.
SPOKEN = {
    "l−l*": ("loss above its least-squares floor", "loss above its minimum"),  # L* is that floor
}
LETTERS = {"alpha": "α", "beta": "β", "gamma": "γ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ",
           "mu": "μ", "sigma": "σ", "omega": "ω", "nabla": "∇", "cdot": "·", "times": "×", "leq": "≤",
           "geq": "≥", "max": "max", "min": "min", "|": "‖"}
SUPERSCRIPTS = str.maketrans("0123456789-−", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
SCALE = re.compile(r"\b(?:log|symlog|linear|scale)\b|%")
MATH = re.compile(r"\$([^$]*)\$")


def _script(mark: str, body: str) -> str:
    body = body.strip("{}")
    if mark == "_":
        return f"_{body}"
    return body.translate(SUPERSCRIPTS) if re.fullmatch(r"[-−0-9]+", body) else body


def plain(tex: str) -> str:
    """Mathtext as an alt text writes it: Greek letters and operators as characters, subscripts
    after an underscore (λ_max), numeric powers raised (θ², 10⁻⁶), spacing commands dropped."""
    text = re.sub(r"\\[,;:! ]", "", tex)
    # the space that ends a command before a letter is no space (\nabla W is ∇W)
    text = re.sub(r"\\([A-Za-z]+(?: (?=[A-Za-z]))?|\|)", lambda m: LETTERS.get(m.group(1).strip(), m.group(1).strip()), text)
    text = re.sub(r"([_^])(\{[^{}]*\}|\\?.)", lambda m: _script(m.group(1), m.group(2)), text)
    return " ".join(text.replace("{", "").replace("}", "").replace("-", "−").split())


def _cut(label: str) -> str:
    """The label up to its first comma or colon outside formulas and parentheses (what follows
    says how it is drawn: "loss, square-root scale: …")."""
    depth, formula = 0, False
    for at, char in enumerate(label):
        formula = not formula if char == "$" else formula
        depth += (char == "(") - (char == ")") if not formula else 0
        if char in ",:" and not formula and depth == 0:
            return label[:at]
    return label


def names(label: str) -> tuple[str, ...]:
    """The ways an alt text may name the quantity ``label`` stands for (see the module's rules)."""
    label = _cut(" ".join(label.split()))
    lead = re.match(r"[^$(]*", label).group(0)
    if re.search(r"[A-Za-z]{2,}", lead):
        return (" ".join(lead.split()).lower(),)
    parts = MATH.split(label)  # text, formula, text, …
    formulas = parts[1::2]
    # formulas set aside as numbered stand-ins, so that their parentheses hold no gloss
    text = "".join(f"\0{at // 2}\0" if at % 2 else part for at, part in enumerate(parts))

    def spoken(piece: str) -> str:
        piece = re.sub(r"\0(\d+)\0", lambda m: f" {plain(formulas[int(m.group(1))])} ", piece)
        return " ".join(piece.split()).lower()

    symbol = spoken(re.sub(r"\([^()]*\)", "", text))
    glosses = [spoken(gloss) for gloss in re.findall(r"\(([^()]*)\)", text) if not SCALE.search(gloss)]
    return (symbol, *glosses, *SPOKEN.get(symbol.replace(" ", ""), ()))


def mentions(alt: str, name: str) -> bool:
    """Whether ``alt`` says ``name``: whole words, any case or spacing, a final plural allowed."""
    chars = [c for c in name.replace("-", "−") if not c.isspace()]
    pattern = r"\s*".join(map(re.escape, chars))
    start = r"(?<!\w)" if chars[0].isalnum() else ""
    end = r"(?:s|es)?(?!\w)" if chars[-1].isalnum() else ""
    return re.search(start + pattern + end, alt.replace("-", "−"), re.IGNORECASE) is not None


def _drawn(asset: registry.Asset, result, layout):
    """The Figure as drawn in one layout (an animation's first frame)."""
    drawn = asset.draw_result(result, layout)
    if isinstance(drawn, Movie):
        drawn.update(0)
        return drawn.figure
    return drawn


def axis_labels(fig) -> list[str]:
    """Every non-empty axis label of a figure: each axes' x, y (and z) label, a colour bar's (its
    axes are among the figure's), and the shared labels of the figure and its subfigures."""
    labels = [getter() for ax in fig.axes for getter in (ax.get_xlabel, ax.get_ylabel, getattr(ax, "get_zlabel", str))]
    figures = [fig]
    while figures:
        each = figures.pop()
        labels += [each.get_supxlabel() or "", each.get_supylabel() or ""]
        figures += list(each.subfigs)
    return list(dict.fromkeys(label for label in labels if label.strip()))


@pytest.mark.parametrize("name", NAMES)
def test_the_alt_text_names_every_axis_as_the_figure_labels_it(name):
    """Both layouts: a label shortened for the phone must still be one the alt text says."""
    asset = registry.get(name)
    alt = said(name)[1]
    result = asset.compute()
    labels = [label for layout in (COLUMN, PHONE) for label in axis_labels(_drawn(asset, result, layout))]
    assert labels, f"{name} labels none of its axes"
    missing = {label: names(label) for label in labels if not any(mentions(alt, spoken) for spoken in names(label))}
    assert not missing, f"{name}'s alt text does not name these axes (label: the names it may use): {missing}"


@pytest.mark.parametrize(("label", "expected"), [
    ("feature $x$", ("feature",)),
    ("$b$ (bias)", ("b", "bias")),
    ("$b_z$ (bias)", ("b_z", "bias")),
    ("learning rate $\\eta$ (log scale)", ("learning rate",)),
    ("loss (MSE), square-root scale:\nlevels evenly spaced in √($L - L^*$)", ("loss",)),
    ("training loss\n(log scale)", ("training loss",)),
    ("$\\theta$ (the one parameter)", ("θ", "the one parameter")),
    ("loss $L(\\theta) = \\theta^2$", ("loss",)),
    ("$L - L^*$ (log scale)", ("l − l*", "loss above its least-squares floor", "loss above its minimum")),
    ("$\\|\\eta\\,\\nabla W\\| \\,/\\, \\|W\\|$ (log scale)", ("‖η∇w‖ / ‖w‖",)),
    ("$\\eta$ = 0.2", ("η = 0.2",)),
    ("steps until $|\\theta_k| \\leq$ $10^{-6}$ $|\\theta_0|$", ("steps until",)),
])
def test_a_label_is_named_by_its_words_or_its_symbol(label, expected):
    assert names(label) == expected


def test_mathtext_becomes_the_characters_an_alt_text_uses():
    assert plain("\\lambda_{\\max}") == "λ_max"
    assert plain("|\\theta_k| \\leq 10^{-6}") == "|θ_k| ≤ 10⁻⁶"
    assert plain("5\\theta^2") == "5θ²"
    assert plain("\\alpha_t") == "α_t"


@pytest.mark.parametrize(("alt", "name", "said_it"), [
    ("the loss over b and w", "b", True),
    ("axes b_z and w_z", "b", False),  # b_z is another quantity
    ("over 20 epochs", "epoch", True),
    ("a steplike curve", "step", False),
    ("The Learning  Rate", "learning rate", True),
    ("the sharpness λ_max", "λ_max", True),
    ("L − L* on a log scale", "l − l*", True),
    ("L−L*", "l − l*", True),
    ("the update-to-weight ratio", "update-to-weight ratio", True),
])
def test_a_name_is_found_as_whole_words(alt, name, said_it):
    assert mentions(alt, name) is said_it
