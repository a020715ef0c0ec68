"""Snippets carry no raw LaTeX or HTML (ui/math_text.py, ui/passage_text.py), in linear time."""

from __future__ import annotations

from tests.corpus.test_parser_properties import _assert_linear
from ui.math_text import readable_math
from ui.passage_text import passage_html, plain_passage


def test_formulas_become_readable_unicode():
    assert readable_math(r"scale by $\frac1{\sqrt{d_k}}$ here") == "scale by 1/√dₖ here"
    assert readable_math(r"$\hat{y} = f_W (x)$") == "ŷ = f_W (x)"
    assert readable_math(r"$\alpha=\beta=\gamma=1$, $C_j\times H_j$") == "α=β=γ=1, Cⱼ× Hⱼ"
    assert readable_math(r"$$ L = \sum_{i=1}^{2} x_i^2 $$") == "L = Σᵢ₌₁² xᵢ²"
    assert readable_math(r"$\mathbf{x}_{t-1} \to \mathcal{N}(0, \mathrm{I})$") == "xₜ₋₁ → N(0, I)"


def test_dollars_that_are_not_math_stay():
    assert readable_math("it costs $5 and $10 a month") == "it costs $5 and $10 a month"
    assert readable_math("a lone $ sign") == "a lone $ sign"


def test_note_snippets_lose_html_and_latex_but_keep_links():
    text = r"Scale by $\frac{1}{\sqrt{d}}$ &amp; <u>mask</u> the [paper](https://x.org) <br> $x^2$"
    assert " ".join(plain_passage(text, "note").split()) == "Scale by 1/√d & mask the paper x²"
    assert "$" not in plain_passage(text, "note") and "<u>" not in plain_passage(text, "note")
    shown = passage_html(text, "note", "mask")
    assert "<mark>mask</mark>" in shown and '<a href="https://x.org"' in shown and "&lt;u&gt;" not in shown
    assert "\\frac" not in shown and "√d" in shown


def test_math_in_pathological_input_is_linear():
    _assert_linear(readable_math, lambda n: "$a" * n, 5_000, 1.0)
    _assert_linear(readable_math, lambda n: "$" + "{" * n + "$", 5_000, 1.0)
    _assert_linear(readable_math, lambda n: "$x" + "_" * n + "$ " * n, 2_000, 1.0)
    _assert_linear(readable_math, lambda n: r"$\frac{a}{b}$ " * n, 2_000, 1.0)
