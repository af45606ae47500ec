"""Crisis signals in a youngster's free text, and the help lines to show on a hit.

normalise.py folds spelling; lexicon.py is content/crisis.yaml as data; decision.py finds the
signal, its level and the rule that fired. Every word lives in content/, so adding a language
is data, not code.
"""

from flows.crisis.decision import CrisisDetector, CrisisHit, lexicon_problems
from flows.crisis.lexicon import CATEGORIES, CountryHelpLines, CrisisLexicon, HelpLine
from flows.crisis.normalise import PLAIN, Normaliser

__all__ = [
    "CATEGORIES",
    "PLAIN",
    "CountryHelpLines",
    "CrisisDetector",
    "CrisisHit",
    "CrisisLexicon",
    "HelpLine",
    "Normaliser",
    "lexicon_problems",
]
