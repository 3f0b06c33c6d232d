"""The check-in's wording: its help, the questions' labels and the words beside each rating."""

from __future__ import annotations

HELP = """\
# Morning check-in

One minute each morning about last night and how you feel now. The items are CSD-style (from
the Consensus Sleep Diary), LSEQ-style (from the Leeds Sleep Evaluation Questionnaire) and the
Karolinska Sleepiness Scale, reworded: they are not the validated instruments.

A usual morning: type the quality (1–5), `tab`, your sleepiness (1–9), `ctrl+s`. Times come
from last night's plan, the comparisons start at 50 (same as usual), the counts repeat your
last check-in, and "taken" is what the plan said: change whatever was different.

| key | does |
|---|---|
| digits | answer a rating (on a 0–100 comparison, 7 means 70) |
| `←` `→` | nudge a rating (comparisons move by 5) |
| `backspace` | leave a rating unanswered |
| `tab` / `shift+tab` | next / previous question |
| `space` | tick a box (side effects, confounders, taken) |
| `ctrl+s` | save the check-in (asks before replacing one for the same night) |
| `escape` | leave a text field |

The score on the right is recomputed as you type, always with its parts: the diary (35%), the
comparisons with a usual night (30%), alertness from sleepiness (20%) and quality (15%);
unanswered blocks are left out and the weights renormalised.
"""

GUESS_WORDS = {1: "A", 2: "B", 3: "don't know"}
QUALITY_WORDS = {1: "very poor", 2: "poor", 3: "fair", 4: "good", 5: "very good"}
KSS_WORDS = {
    1: "extremely alert",
    2: "very alert",
    3: "alert",
    4: "rather alert",
    5: "neither alert nor sleepy",
    6: "some signs of sleepiness",
    7: "sleepy, no effort to stay awake",
    8: "sleepy, some effort to stay awake",
    9: "very sleepy, fighting sleep",
}
COMPARISON_LABELS = {
    "getting_to_sleep": "Getting to sleep",
    "sleep_quality": "Quality of sleep",
    "waking_up": "Waking up",
    "feel_now": "How you feel now",
}
TIME_LABELS = {
    "in_bed": "In bed",
    "tried_sleep": "Tried to sleep",
    "final_wake": "Woke",
    "out_of_bed": "Got up",
}
COUNT_LABELS = {
    "sol_min": "To fall asleep (min)",
    "awakenings": "Times you woke",
    "waso_min": "Awake at night (min)",
}


def comparison_words(value: int) -> str:
    """A 0–100 comparison with a usual night in words (50 is the same)."""
    if value == 50:
        return "as usual"
    return "better" if value > 50 else "worse"
