"""Which language a whole answer is in (``deepdaily.text.language``): the check that lets the
LLM chain pass a wrong-language answer to the next provider, and that must never reject an
honest answer that mixes in names, numbers or a quoted phrase."""

from __future__ import annotations

import pytest

from deepdaily.text.language import dominant_language, language_mismatch

ZH = (
    "Acme Labs 于 2 月 10 日发布开源推理运行时 Flint 2.0。官方称 70B 模型从 GPU 快照恢复约需"
    " 2 秒，冷加载需 40 秒。快照与 CUDA driver 和 runtime 版本绑定。"
)
EN = (
    "Acme Labs released Flint 2.0 on February 10. The company says that a 70B model restores "
    "from a GPU snapshot in about two seconds, and that the snapshot is tied to the driver."
)


@pytest.mark.parametrize(
    ("text", "expected", "problem"),
    [
        (ZH, "zh", ""),
        (ZH, "zh-CN", ""),
        (EN, "en", ""),
        (EN, "zh", "answered in English, expected Chinese"),
        (ZH, "en", "answered in Chinese, expected English"),
        (
            "Acme Labs a publié Flint 2.0 le 10 février. La société dit que le modèle est plus "
            "rapide que les autres et que les tests sont dans la documentation.",
            "en",
            "answered in French, expected English",
        ),
        (
            "Acme Labs は 2 月 10 日に Flint 2.0 を公開しました。スナップショットから約 2 秒で"
            "復元できるとのことです。",
            "zh",
            "answered in Japanese, expected Chinese",
        ),
        (
            "Acme Labs выпустила Flint 2.0 десятого февраля. Модель восстанавливается из снимка "
            "примерно за две секунды.",
            "en",
            "answered in Russian, expected English",
        ),
    ],
)
def test_language_mismatch(text: str, expected: str, problem: str) -> None:
    assert language_mismatch(text, expected) == problem


def test_a_chinese_answer_full_of_names_and_numbers_is_chinese() -> None:
    """False-positive guard: names, versions and units are Latin, the prose is Chinese."""
    text = (
        "GLM-4.5 在 SWE-bench Verified 上得分 64.2%，FP8 推理在 8×H100 上达到 2,400 tokens/s；"
        "Z.ai 称 MoE 路由使用 64 个 experts。"
    )
    assert dominant_language(text) == "zh"
    assert language_mismatch(text, "zh") == ""


def test_a_mostly_english_answer_with_some_chinese_is_left_to_the_verifier() -> None:
    """Only a clearly foreign answer goes to the next provider; a mixed one is trimmed
    sentence by sentence by the verifier instead."""
    mixed = f"{EN} {EN} 该来源介绍了一项技术更新，说明了它做了什么。"
    assert language_mismatch(mixed, "zh") == ""


def test_short_texts_are_not_judged() -> None:
    assert dominant_language("Flint 2.0") is None
    assert language_mismatch("Flint 2.0 ships", "zh") == ""
    assert language_mismatch(EN, "xx") == "", "an unknown expected language is never wrong"
