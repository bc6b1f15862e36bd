"""The prompts the remote providers send, built from the specs (no network here)."""

from __future__ import annotations

from genqueue.providers.base import CharacterSketch, ImageSpec, PhotoEditSpec, StorySpec

LANGUAGES = {"en": "English", "es": "Spanish", "fr": "French", "de": "German", "it": "Italian"}
STORY_FORMAT = (
    "Answer with the title alone on the first line, then a blank line, then the story in"
    " paragraphs separated by blank lines. Plain text: no markdown, no headings, no notes."
)
LAYOUTS = {
    "cover": "a picture-book cover: leave a clear band at the top for the title",
    "page": "a picture-book page: leave a calm area at the bottom for a text panel",
    "spread": "a double-page spread: wide, with the hero on the right-hand side",
    "back": "a picture-book back cover: simple and quiet, room for a blurb",
}


def image_prompt(spec: ImageSpec) -> str:
    """The request's own prompt, then the character, pose, shot and style it names."""
    parts = [spec.prompt.strip()]
    if spec.character is not None:
        parts.append(_who(spec.character))
    if spec.pose:
        parts.append(f"Pose: {spec.pose.replace('_', ' ')}.")
    shot = " ".join(filter(None, [_words(spec.angle), f"{spec.lens} lens" if spec.lens else ""]))
    if shot:
        parts.append(f"Shot: {shot} view, full character visible.")
    if spec.style:
        parts.append(f"Style: {_words(spec.style)}.")
    if spec.reference is not None:
        parts.append("Keep the character exactly as in the reference image.")
    return " ".join(p for p in parts if p)


def edit_prompt(spec: PhotoEditSpec) -> str:
    layout = LAYOUTS.get(spec.kind, f"a picture-book {_words(spec.kind)}")
    return (
        f"Restyle this photo as a {_words(spec.style_key)} illustration for {layout}."
        f" The hero is {spec.hero_name}; the theme is {_words(spec.theme_id)}."
        " Keep the people, their faces and the composition recognisable."
    )


def story_messages(spec: StorySpec) -> list[dict[str, str]]:
    audience = spec.audience or "a general audience"
    genre = f" in the {spec.genre} genre" if spec.genre else ""
    language = LANGUAGES.get(spec.language.lower(), spec.language)
    hero = f" The hero is {spec.hero_name}." if spec.hero_name else ""
    system = f"You write original stories for {audience}, in {language}. {STORY_FORMAT}"
    user = (
        f"Write a story{genre} of about {spec.words} words (at least three paragraphs)."
        f"{hero} The story is about: {spec.prompt.strip()}"
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def personality_messages(character: CharacterSketch) -> list[dict[str, str]]:
    system = "You write short, vivid character notes in plain prose."
    user = (
        f"Describe the personality of {_who(character)} in two or three sentences,"
        " in the third person, without lists."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def motion_messages(character: CharacterSketch, pose: str | None) -> list[dict[str, str]]:
    system = "You write prompts for an image-to-video model: one sentence, motion and camera."
    start = f" starting from the pose {_words(pose)}" if pose else ""
    user = (
        f"Describe how {_who(character)} moves in a short animated clip{start}."
        " One sentence about 30 words: the movement, the camera, the mood."
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def video_prompt(base: str, duration: int) -> str:
    return f"{base.strip()} A smooth {duration}-second clip, the first frame is the given image."


def _who(character: CharacterSketch) -> str:
    who = character.name
    if character.description:
        who += f" ({character.description.strip()})"
    if character.personality:
        who += f", whose personality is: {character.personality.strip()}"
    return who


def _words(value: str | None) -> str:
    return (value or "").replace("_", " ").replace("-", " ").strip()
