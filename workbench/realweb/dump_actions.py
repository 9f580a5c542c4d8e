"""The dev pages whose action or low-quality verdict is wrong, with the evidence behind each.

For reading errors while tuning (dev part only, never the test part): one line per page with the
gold and the predicted action, the gold reasons, the predicted reason and the failed quality
rules. Page text is not printed (it is third-party text; open ``.realweb/pages/<id>.txt``).

    python -m workbench.realweb.dump_actions            # needs .realweb/ (see README.md)
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from workbench.realweb.evaluate import _truthy, analyse_dev


def wrong_rows(got: pd.DataFrame, pages: pd.DataFrame) -> pd.DataFrame:
    """Pages whose action or low_quality differs from the labels (labels joined on page_id)."""
    df = pages.merge(got, on="page_id", how="inner", suffixes=("_gold", ""))
    wrong_action = df["action"] != df["action_gold"]
    wrong_quality = df["low_quality"].map(_truthy) != df["low_quality_gold"].astype(bool)
    df = df[wrong_action | wrong_quality].copy()
    df["what"] = ["action" if a else "quality" for a in wrong_action[wrong_action | wrong_quality]]
    cols = ["page_id", "what", "words_gold", "genre", "action_gold", "action", "action_reason_gold", "words",
            "quality_reason", "action_reason", "quality_flags"]
    return df[[c for c in cols if c in df]].sort_values(["what", "action_gold", "action"])


def main(root: Path | None = None) -> pd.DataFrame:
    pages, got = analyse_dev(root)
    return wrong_rows(got, pages)


if __name__ == "__main__":  # pragma: no cover
    from workbench import script_parser

    script_parser("workbench.realweb.dump_actions", __doc__).parse_args()
    pd.set_option("display.width", 400)
    pd.set_option("display.max_colwidth", 110)
    pd.set_option("display.max_rows", 500)
    out = main()
    sys.stdout.write(out.to_string(index=False) + "\n")
