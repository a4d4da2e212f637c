"""Statistical disclosure control for the public edition.

- :mod:`~octasee.sdc.rules`: :class:`DisclosureRules`, what is sensitive and how well it
  must be protected, from the workspace's ``[disclosure]`` settings;
- :mod:`~octasee.sdc.view`: :func:`make_public_view`, the indicators with primary and
  complementary suppression, every published number equal to the restricted one;
- :mod:`~octasee.sdc.audit`: :func:`audit`, what a reader can work out about each
  suppressed cell from everything published (linear programmes, HiGHS);
- :mod:`~octasee.sdc.report`: the output-checking report for the person who authorises
  release, and :func:`check_release`, the three in one call.

This is an analysis layer: it takes DataFrames, never the store, and knows nothing of
chapters or the build.
"""

from octasee.sdc.audit import (
    AuditResult,
    EarlierEdition,
    Finding,
    Publication,
    across_drafts,
    audit,
    editions,
)
from octasee.sdc.report import check_release, read_publications, write_output_check
from octasee.sdc.rules import DisclosureRules, IndicatorRule
from octasee.sdc.view import MARKER_WITHHELD, PublicCell, PublicView, make_public_view

__all__ = [
           "MARKER_WITHHELD",
           "AuditResult",
           "DisclosureRules",
           "EarlierEdition",
           "Finding",
           "IndicatorRule",
           "PublicCell",
           "PublicView",
           "Publication",
           "across_drafts",
           "audit",
           "check_release",
           "editions",
           "make_public_view",
           "read_publications",
           "write_output_check",
]
