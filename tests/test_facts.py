"""Event-wide fact support (``deepdaily.text.facts.FactIndex``): names next to numbers.

Regression guard for issue 8: "NeurIPS" was rejected although the source said "NeurIPS 2025",
because the folded source reads "neurips2025" and any digit after a name was taken for a
longer version. Only a name that ends in a digit can be the start of a longer version.
"""

from __future__ import annotations

from deepdaily.text.facts import FactIndex


def test_a_name_followed_by_a_year_is_supported() -> None:
    index = FactIndex.from_texts(["The paper was accepted at NeurIPS 2025 in San Diego."])
    assert index.unsupported("论文被 NeurIPS 接收") == []
    assert [f.text for f in index.unsupported("论文被 OpenReview 接收")] == ["OpenReview"]


def test_a_version_is_not_supported_by_a_longer_one() -> None:
    index = FactIndex.from_texts(["OpenAI released GPT-5.3 and Zhipu released GLM-4.5."])
    assert index.unsupported("GPT-5.3 and GLM-4.5") == []
    assert [f.text for f in index.unsupported("GPT-5 and GLM-4")] == ["GPT-5", "GLM-4"]
