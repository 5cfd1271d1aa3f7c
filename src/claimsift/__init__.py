"""claimsift: label sentences of news and human-rights reports as finding, testimony or argument."""

from claimsift.labels import DEFINITIONS, LABELS

__all__ = ["Classifier", "LABELS", "DEFINITIONS"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # Lazy: importing claimsift must not pull in torch for the CLI's fast paths.
    if name == "Classifier":
        from claimsift.classifier import Classifier

        return Classifier
    raise AttributeError(name)
