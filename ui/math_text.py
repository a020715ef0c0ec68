"""LaTeX math in a snippet, as readable text: ``$\\frac{1}{\\sqrt{d_k}}$`` reads ``1/√dₖ``.

Reading notes write formulas in LaTeX between dollars. A snippet is a line of text in a card or a
terminal, not a rendered document, so raw ``$\\hat{y} = f_W (x)$`` is noise; KaTeX would need the
whole formula, which a snippet cut at 420 characters may not hold. Common commands become their
Unicode characters (Greek, operators, arrows), ``\\frac``/``\\sqrt`` become ``/`` and ``√``,
sub- and superscripts become Unicode ones when every character has one, and the dollars go.
Math is found as pandoc finds it: ``$`` not followed by a space opens, ``$`` not after a space and
not before a digit closes, so "$5 and $10" is left alone. Every pattern is bounded (a formula is
at most ``MAX_MATH`` characters; braces are resolved a fixed number of times): linear time.
"""

from __future__ import annotations

import re
import unicodedata

MAX_MATH = 400
_NESTING = 4  # brace levels resolved; deeper ones keep their braces
_MATH = re.compile(
    r"\$\$(?P<display>[^$]{1,%d}?)\$\$|\\\((?P<paren>.{1,%d}?)\\\)|\\\[(?P<bracket>.{1,%d}?)\\\]|"
    r"(?<![\\$\w])\$(?P<inline>[^\s$](?:[^$\n]{0,%d}[^\s$\\])?)\$(?![\d$])" % ((MAX_MATH,) * 4),
    re.S,
)
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "times": "×", "cdot": "·", "div": "÷", "pm": "±", "mp": "∓", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥",
    "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "equiv": "≡", "propto": "∝", "to": "→",
    "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔",
    "mapsto": "↦", "infty": "∞", "infin": "∞", "sum": "Σ", "prod": "Π", "int": "∫", "partial": "∂",
    "nabla": "∇", "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "forall": "∀", "exists": "∃", "emptyset": "∅", "ldots": "…", "cdots": "⋯", "dots": "…", "circ": "∘",
    "otimes": "⊗", "oplus": "⊕", "odot": "⊙", "star": "⋆", "ell": "ℓ", "log": "log", "exp": "exp",
    "min": "min", "max": "max", "arg": "arg", "lim": "lim", "sin": "sin", "cos": "cos", "tanh": "tanh",
    "langle": "⟨", "rangle": "⟩", "|": "‖", "{": "{", "}": "}", "%": "%", "&": "&", "_": "_", "#": "#",
}
_SPACES = {",": " ", ";": " ", ":": " ", "!": "", "quad": " ", "qquad": " ", " ": " "}
_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304", "overline": "\u0304", "tilde": "\u0303",
            "widetilde": "\u0303", "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7"}
_FONT = ("mathbf", "mathrm", "mathit", "mathcal", "mathbb", "mathsf", "mathtt", "boldsymbol", "bm", "text",
         "textbf", "textit", "operatorname", "mbox")
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ"))
_GROUP = r"\{([^{}]{0,%d})\}" % MAX_MATH
_FRAC = re.compile(r"\\[dt]?frac\s*(?:" + _GROUP + r"|(\w))\s*(?:" + _GROUP + r"|(\w))")
_SQRT = re.compile(r"\\sqrt\s*(?:\[[^\]]{0,20}\])?\s*(?:" + _GROUP + r"|(\w))")
_ACCENT = re.compile(r"\\(" + "|".join(_ACCENTS) + r")\s*(?:" + _GROUP + r"|(\w))")
_FONT_CMD = re.compile(r"\\(?:" + "|".join(_FONT) + r")\s*" + _GROUP)
_SCRIPT = re.compile(r"([_^])\s*(?:" + _GROUP + r"|(\\[A-Za-z]+|[^\s{}\\]))")
_COMMAND = re.compile(r"\\([A-Za-z]+|[,;:! |{}%&_#])")
_ENVIRONMENT = re.compile(r"\\(?:begin|end)\{[a-z*]{1,20}\}|\\(?:left|right|big|Big|bigg|Bigg)\b|\\\\")


def readable_math(text: str) -> str:
    """``text`` with each LaTeX formula turned into readable Unicode; other text unchanged."""
    return _MATH.sub(lambda m: _formula(next(g for g in m.groups() if g is not None)), text)


def _formula(tex: str) -> str:
    tex = re.sub(r"(?<!\\)&", " ", _ENVIRONMENT.sub(" ", tex)).replace("~", " ")
    for _ in range(_NESTING):
        before = tex
        tex = _FONT_CMD.sub(lambda m: m.group(1), tex)
        tex = _ACCENT.sub(lambda m: _accent(m.group(2) or m.group(3), _ACCENTS[m.group(1)]), tex)
        tex = _SQRT.sub(lambda m: "√" + _atom(m.group(1) or m.group(2)), tex)
        tex = _FRAC.sub(lambda m: _atom(m.group(1) or m.group(2)) + "/" + _atom(m.group(3) or m.group(4)), tex)
        if tex == before:
            break
    tex = _SCRIPT.sub(_script, tex)  # once, after the groups inside scripts are resolved
    tex = _COMMAND.sub(lambda m: _SPACES.get(m.group(1), _SYMBOLS.get(m.group(1), m.group(1))), tex)
    return " ".join(tex.replace("{", "").replace("}", "").split())


def _atom(part: str) -> str:
    """A fraction's or root's argument, in parentheses when it is more than one symbol."""
    part = part.strip()
    return part if len(part) <= 1 or re.fullmatch(r"√?\w+|\\[A-Za-z]+", part) else f"({part})"


def _accent(base: str, mark: str) -> str:
    base = base.strip()
    return unicodedata.normalize("NFC", base + mark) if len(base) == 1 else base  # ŷ as one character


def _script(match: re.Match) -> str:
    body = match.group(2) if match.group(2) is not None else match.group(3)
    table = _SUB if match.group(1) == "_" else _SUP
    if body.startswith("\\"):
        body = _SYMBOLS.get(body[1:], body[1:])
    if body and all(char in table for char in body):
        return "".join(table[char] for char in body)
    return match.group(1) + (body if re.fullmatch(r"\w+", body) else f"({body})")
