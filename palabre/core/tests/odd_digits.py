"""Numbers that `str.isdigit()` accepts but that are not ASCII digits, shared by the robustness tests of
every entry point (written as escapes: ruff flags the look-alike characters)."""

SUPERSCRIPT_TWO = "\u00b2"  # ² : isdigit() but int() raises
ARABIC_INDIC_123 = "\u0661\u0662\u0663"  # Arabic-Indic 123: int() reads 123
FULLWIDTH_ONE = "\uff11"  # fullwidth 1: int() reads 1
NKO_ONE = "\u07c1"  # ߁
BENGALI_THREE = "\u09e9"  # ৩
LONG_DIGITS = "9" * 5000  # int() refuses more than 4,300 digits
ODD_NUMBERS = [SUPERSCRIPT_TWO, ARABIC_INDIC_123, FULLWIDTH_ONE, NKO_ONE, BENGALI_THREE, LONG_DIGITS]
# Phone numbers spelled with them.
ODD_PHONES = [
    "0197" + SUPERSCRIPT_TWO + "23456",
    "\u0660\u0661\u0669\u0667\u0661\u0662\u0663\u0664\u0665\u0666",  # 0197123456 in Arabic-Indic digits
    "\uff10\uff11\uff19\uff17\uff11\uff12\uff13\uff14\uff15\uff16",  # 0197123456 in fullwidth digits
    "+229" + SUPERSCRIPT_TWO * 10,
    "01" + ARABIC_INDIC_123 + "12345",
    LONG_DIGITS,
    "+229" + LONG_DIGITS,
]
