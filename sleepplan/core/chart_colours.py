"""Chart colours that stay readable on the theme's background and apart from each other.

Series take the Okabe–Ito colours (told apart with the common colour-vision deficiencies), in
an order that suits a dark or a light background; any that would be too faint on the actual
background is moved towards black or white until it reads (contrast as WCAG 2 measures it).
"""

from __future__ import annotations

RGB = tuple[int, int, int]

FOR_DARK: tuple[RGB, ...] = (
    (86, 180, 233),  # sky blue
    (230, 159, 0),  # orange
    (0, 158, 115),  # bluish green
    (204, 121, 167),  # reddish purple
    (240, 228, 66),  # yellow
    (213, 94, 0),  # vermillion
)
FOR_LIGHT: tuple[RGB, ...] = (
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermillion
    (0, 158, 115),  # bluish green
    (204, 121, 167),  # reddish purple
    (230, 159, 0),  # orange
    (86, 180, 233),  # sky blue
)

MIN_CONTRAST = 3.0
"""WCAG's minimum for graphics and large text: a line or a glyph still reads."""


def luminance(colour: RGB) -> float:
    """Relative luminance (WCAG 2): 0 for black, 1 for white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: RGB, second: RGB) -> float:
    """The contrast ratio of two colours, 1 (the same) to 21 (black on white)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def is_dark(background: RGB) -> bool:
    """Whether a background is dark (light text reads better on it than dark text)."""
    return contrast(background, (255, 255, 255)) > contrast(background, (0, 0, 0))


def readable(colour: RGB, background: RGB, minimum: float = MIN_CONTRAST) -> RGB:
    """``colour``, made to read on ``background``.

    Moved towards white on a dark background or black on a light one until its contrast
    reaches ``minimum``; unchanged when it already does.
    """
    target = (255, 255, 255) if is_dark(background) else (0, 0, 0)
    for percent in range(0, 101, 5):
        mixed = _mix(colour, target, percent / 100)
        if contrast(mixed, background) >= minimum:
            return mixed
    return target


def series_colours(background: RGB, count: int) -> list[RGB]:
    """``count`` colours for chart series on ``background``, in order (repeating after six)."""
    palette = FOR_DARK if is_dark(background) else FOR_LIGHT
    return [readable(palette[index % len(palette)], background) for index in range(count)]


def hex_colour(colour: RGB) -> str:
    """``#rrggbb`` for a style string."""
    return "#{:02x}{:02x}{:02x}".format(*colour)


def _mix(colour: RGB, target: RGB, share: float) -> RGB:
    red, green, blue = (
        round(own + (other - own) * share) for own, other in zip(colour, target, strict=True)
    )
    return red, green, blue
