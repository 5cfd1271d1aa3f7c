"""claimsift: label sentences of news and human-rights reports as finding, testimony or argument.

``from claimsift import Classifier`` is cheap: torch and transformers load only when a
transformer model does.
"""

__version__ = "0.1.0"

from claimsift.classifier import ClassifiedSegment, Classifier  # noqa: E402
from claimsift.labels import DEFINITIONS, LABELS  # noqa: E402

__all__ = ["Classifier", "ClassifiedSegment", "LABELS", "DEFINITIONS", "__version__"]
