"""Colour-blind-safe run colours (Okabe & Ito 2008), with dashes to extend past eight."""

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442"]
DASHES = ["solid", "dash", "dot", "dashdot"]


def run_style(i: int) -> tuple[str, str]:
    """Colour and dash of run slot ``i``."""
    return OKABE_ITO[i % len(OKABE_ITO)], DASHES[(i // len(OKABE_ITO)) % len(DASHES)]
